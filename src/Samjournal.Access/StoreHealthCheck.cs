using Microsoft.Extensions.Diagnostics.HealthChecks;
using Samjournal.Fhir.Storage;

namespace Samjournal.Access;

/// <summary>Ready means the database answers: a cheap query on a fresh connection.</summary>
internal sealed class StoreHealthCheck(SqlStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await store.OpenAsync(cancellationToken);
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM schema_migrations";
            await cmd.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{store.Provider} store answers.");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{store.Provider} store does not answer: {e.GetType().Name}.");
        }
    }
}
