using Samjournal.Access.Repository;
using Samjournal.Fhir.Storage;

namespace Samjournal.Server.Hosting;

/// <summary>Seeds the demo region into an empty store at start (Seed:Demo, on by default).</summary>
internal sealed partial class DemoSeeder(IServiceScopeFactory scopes, TimeProvider time, ILogger<DemoSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var repo = scope.ServiceProvider.GetRequiredService<ScopedRepository>();
        var any = await repo.HistoryAsync(new HistoryQuery(null, null, null, null, 1, null), cancellationToken);
        if (any.Versions.Count > 0)
        {
            return;
        }

        var bundle = Samjournal.Clinical.Demo.DemoRegion.BuildTransaction(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        var response = await repo.ProcessBundleAsync(bundle, "http://localhost/fhir", strictSearch: true, cancellationToken);
        LogSeeded(logger, response.Entry.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Seeded the demo region: {Count} resources")]
    private static partial void LogSeeded(ILogger logger, int count);
}
