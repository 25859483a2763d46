using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Samjournal.Access.Repository;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Reindexing;
using Samjournal.Fhir.Storage;

namespace Samjournal.Access;

public static class RecordServices
{
    /// <summary>
    /// Registers the record: the store (migrated at start, before the host listens), the engine,
    /// and the per-request <see cref="ScopedRepository"/>, which is the only public way in.
    /// Write hooks registered as <see cref="IWriteHook"/> run for every write. A background worker
    /// runs the reindex jobs of custom SearchParameters (<paramref name="reindex"/> paces it).
    /// </summary>
    public static IServiceCollection AddSamjournalRecord(this IServiceCollection services, StoreOptions options, ReindexOptions? reindex = null)
    {
        services.AddSingleton(options);
        services.AddSingleton(sp => new SqlStore(options, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton(sp => new Policy.AccessOptions { Time = sp.GetService<TimeProvider>() ?? TimeProvider.System });
        services.AddSingleton(sp => new Policy.CareRelationRules(sp.GetRequiredService<Policy.AccessOptions>()));
        services.AddSingleton(sp => new Policy.CallerAccess(sp.GetRequiredService<SqlStore>(), sp.GetRequiredService<Policy.AccessOptions>()));
        services.AddSingleton(sp => new FhirEngine(
            sp.GetRequiredService<SqlStore>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetServices<IWriteHook>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<FhirEngine>>(), sp.GetRequiredService<Policy.CareRelationRules>()));
        services.AddHostedService<StoreInitializer>();
        services.AddHostedService(sp => new ReindexWorker(sp.GetRequiredService<FhirEngine>(), reindex ?? new ReindexOptions(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        services.TryAddSingleton(new Audit.AuditOptions());
        services.AddSingleton(sp => new Audit.AuditTrail(
            sp.GetRequiredService<SqlStore>(), sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Audit.AuditTrail>>()));
        services.AddSingleton<Audit.IAuditTrail>(sp => sp.GetRequiredService<Audit.AuditTrail>());
        services.AddSingleton(sp => new Audit.AuditChainer(
            sp.GetRequiredService<SqlStore>(), sp.GetRequiredService<Audit.AuditOptions>(), sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Audit.AuditChainer>>()));
        services.AddHostedService(sp => sp.GetRequiredService<Audit.AuditChainer>());
        services.AddSingleton(sp => new RecordAccess(sp));
        services.AddScoped(sp => sp.GetRequiredService<RecordAccess>().For(sp.GetService<Caller>() ?? Caller.SystemInternal("development")));
        return services;
    }

    private sealed class StoreInitializer(SqlStore store, FhirEngine engine) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await store.InitializeAsync(cancellationToken);
            await engine.LoadSearchParametersAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
