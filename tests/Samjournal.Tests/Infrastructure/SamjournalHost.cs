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

    public IServiceProvider Services => _app!.Services;

    public abstract string Backend { get; }

    protected abstract Task<Dictionary<string, string>> DatabaseSettingsAsync();

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    protected virtual bool SeedDemo => false;

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
        BaseAddress = new Uri(address.TrimEnd('/') + "/fhir/");
        Client = new HttpClient { BaseAddress = BaseAddress };
        Client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
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
