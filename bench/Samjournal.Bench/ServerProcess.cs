using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Samjournal.Bench;

/// <summary>The server under test, started as a child process on a free loopback port.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    public string BaseUrl { get; }
    public int Pid => _process.Id;
    public string LogPath { get; }

    private ServerProcess(Process process, StreamWriter log, string logPath, string baseUrl)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
        BaseUrl = baseUrl;
    }

    public static async Task<ServerProcess> StartAsync(string executable, string provider, string connectionString, string workDir, HttpClient http)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = Path.GetDirectoryName(executable)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["DOTNET_ENVIRONMENT"] = "Production" },
        };
        foreach (var arg in new[]
        {
            "--urls", baseUrl,
            "--Storage:Provider", provider,
            "--ConnectionStrings:Samjournal", connectionString,
            "--Seed:Demo", "false",
            "--Fhir:WarmUpValidator", "false",
            "--Logging:LogLevel:Default", "Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore", "Warning",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var logPath = Path.Combine(workDir, $"server-{provider.ToLowerInvariant()}.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, log, logPath, baseUrl);

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {process.ExitCode} before it was ready; log: {logPath}\n{Tail(logPath)}");
            }

            try
            {
                using var response = await http.GetAsync($"{baseUrl}/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    await BenchToken.AuthorizeAsync(http, baseUrl);
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        await server.DisposeAsync();
        throw new TimeoutException($"The server was not ready within 120 s; log: {logPath}\n{Tail(logPath)}");
    }

    /// <summary>A field of /proc/PID/status in MB (VmRSS, VmHWM), or NaN when unreadable.</summary>
    public double ProcStatusMb(string field) => ReadProcStatusMb(Pid, field);

    public static double ReadProcStatusMb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                    return kb / 1024.0;
                }
            }
        }
        catch (IOException)
        {
        }

        return double.NaN;
    }

    public static string Tail(string path, int lines = 30)
    {
        try
        {
            return string.Join('\n', File.ReadLines(path).TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Samples a process's VmRSS every 100 ms and keeps the maximum.</summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private double _peakMb;

    public RssSampler(int pid)
    {
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            do
            {
                var mb = ServerProcess.ReadProcStatusMb(pid, "VmRSS");
                if (mb > _peakMb)
                {
                    _peakMb = mb;
                }
            }
            while (await NextTick(timer));
        });
    }

    private async Task<bool> NextTick(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task<double> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        return _peakMb;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
