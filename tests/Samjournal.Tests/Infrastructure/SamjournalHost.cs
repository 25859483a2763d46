using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Samjournal.Server.Hosting;

namespace Samjournal.Tests.Infrastructure;

/// <summary>
/// The real Samjournal host on Kestrel, on a free loopback port, over a fresh database of one
/// backend. Tests talk to it over HTTP as any client would.
/// </summary>
public abstract class SamjournalHost : IAsyncLifetime
{
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The server root (the token endpoint is at <c>connect/token</c> under it).</summary>
    public Uri Root { get; private set; } = null!;

    /// <summary>The demo system client the embedded server knows (Auth:DemoClient defaults).</summary>
    public const string DemoClientId = "samjournal-demo";
    public const string DemoClientSecret = "demo-secret";
    public const string DemoPassword = "demo";

    public IServiceProvider Services => _app!.Services;

    public abstract string Backend { get; }

    protected abstract Task<Dictionary<string, string>> DatabaseSettingsAsync();

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    protected virtual bool SeedDemo => false;

    /// <summary>Whether <see cref="Client"/> signs in as the demo system client at start; a host that
    /// trusts an external authority has no token endpoint of its own.</summary>
    protected virtual bool SignInAtStart => true;

    public async Task InitializeAsync()
    {
        var settings = await DatabaseSettingsAsync();
        settings["Seed:Demo"] = SeedDemo ? "true" : "false";
        settings["Fhir:WarmUpValidator"] = "false";
        settings["urls"] = "http://127.0.0.1:0";
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings!);
        builder.Logging.ClearProviders();
        ConfigureBuilder(builder);
        builder.AddSamjournal();
        _app = builder.Build().MapSamjournal();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Root = new Uri(address.TrimEnd('/') + "/");
        BaseAddress = new Uri(Root, "fhir/");
        Client = !SignInAtStart ? AuthorizedClient(null) : AuthorizedClient(await TokenAsync(new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = DemoClientId,
            ["client_secret"] = DemoClientSecret,
            ["scope"] = "system/*.cruds",
        }));
    }

    /// <summary>A client acting as demo user <paramref name="username"/> (password grant, demo mode).</summary>
    public async Task<HttpClient> ClientForAsync(string username, string scope = "user/*.cruds") =>
        AuthorizedClient(await TokenForAsync(username, scope));

    /// <summary>An access token for demo user <paramref name="username"/> (password grant, demo mode).</summary>
    public Task<string> TokenForAsync(string username, string scope = "user/*.cruds") => TokenAsync(new()
    {
        ["grant_type"] = "password",
        ["client_id"] = DemoClientId,
        ["client_secret"] = DemoClientSecret,
        ["username"] = username,
        ["password"] = DemoPassword,
        ["scope"] = scope,
    });

    /// <summary>Posts <paramref name="form"/> to the token endpoint and returns the access token;
    /// fails the test with the server's answer when there is none.</summary>
    public async Task<string> TokenAsync(Dictionary<string, string> form)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(Root, "connect/token"), new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The token endpoint answered {(int)response.StatusCode}: {body}");
        }

        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>A FHIR JSON client at the FHIR base that sends <paramref name="token"/> as its bearer token.</summary>
    public HttpClient AuthorizedClient(string? token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    protected virtual void ConfigureBuilder(WebApplicationBuilder builder)
    {
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await DropDatabaseAsync();
    }
}

public class SqliteHost : SamjournalHost
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "samjournal-tests", Guid.NewGuid().ToString("N"));

    public override string Backend => "Sqlite";

    public string DatabasePath => Path.Combine(_directory, "samjournal.db");

    protected override Task<Dictionary<string, string>> DatabaseSettingsAsync() => Task.FromResult(new Dictionary<string, string>
    {
        ["Storage:Provider"] = "Sqlite",
        ["ConnectionStrings:Samjournal"] = $"Data Source={DatabasePath}",
    });

    protected override Task DropDatabaseAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean; it is under the temp folder.
        }

        return Task.CompletedTask;
    }
}

public class PostgresHost : SamjournalHost
{
    private PostgresDatabase? _database;

    public override string Backend => "Postgres";

    public string ConnectionString => _database!.ConnectionString;

    protected override async Task<Dictionary<string, string>> DatabaseSettingsAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return new Dictionary<string, string>
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Samjournal"] = _database.ConnectionString,
        };
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
