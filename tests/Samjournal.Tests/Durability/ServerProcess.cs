using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Samjournal.Tests.Durability;

/// <summary>The Samjournal server as its own operating-system process, so a test can kill it
/// with SIGKILL exactly as a crash would, and start it again on the same database.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>An access token of the demo system client (system/*.cruds), fetched at start: each
    /// process signs with its own ephemeral key, so a restarted server needs a new one.</summary>
    public string Token { get; private set; } = "";

    /// <summary>A client at the FHIR base that sends <see cref="Token"/>.</summary>
    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>Starts the server on <paramref name="port"/> (a free one when null), without the demo
    /// region unless <paramref name="seedDemo"/>, with <paramref name="settings"/> as extra
    /// configuration (<c>--Key value</c>).</summary>
    public static async Task<ServerProcess> StartAsync(
        string provider, string connectionString, string workingDirectory, int? port = null, bool seedDemo = false, IReadOnlyDictionary<string, string>? settings = null)
    {
        port ??= FreePort();
        var exe = Path.Combine(AppContext.BaseDirectory, "Samjournal.Server");
        var info = new ProcessStartInfo(exe)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--urls", $"http://127.0.0.1:{port}", "--Storage:Provider", provider, "--ConnectionStrings:Samjournal", connectionString, "--Seed:Demo", seedDemo ? "true" : "false", "--Logging:LogLevel:Default", "Warning" })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.ArgumentList.Add("--" + key);
            info.ArgumentList.Add(value);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the server process.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/fhir/"));
        using var client = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server process exited at start with code {process.ExitCode}.");
            }

            try
            {
                if ((await client.GetAsync($"http://127.0.0.1:{port}/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    server.Token = await TokenAsync(client, port.Value);
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        server.Kill();
        throw new TimeoutException("The server process did not become ready within 60 s.");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; what is not on disk is gone.</summary>
    public void Kill()
    {
        if (!_disposed && !_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        if (!_disposed)
        {
            _disposed = true;
            _process.Dispose();
        }
    }

    private static async Task<string> TokenAsync(HttpClient client, int port)
    {
        using var response = await client.PostAsync($"http://127.0.0.1:{port}/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = Infrastructure.SamjournalHost.DemoClientId,
            ["client_secret"] = Infrastructure.SamjournalHost.DemoClientSecret,
            ["scope"] = "system/*.cruds",
        }));
        response.EnsureSuccessStatusCode();
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>A token for demo user <paramref name="username"/> (password grant; demo mode).</summary>
    public async Task<HttpClient> ClientForAsync(string username)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(BaseAddress, "../connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = Infrastructure.SamjournalHost.DemoClientId,
            ["client_secret"] = Infrastructure.SamjournalHost.DemoClientSecret,
            ["username"] = username,
            ["password"] = Infrastructure.SamjournalHost.DemoPassword,
            ["scope"] = "user/*.cruds",
        }));
        response.EnsureSuccessStatusCode();
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", body.RootElement.GetProperty("access_token").GetString());
        return client;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
