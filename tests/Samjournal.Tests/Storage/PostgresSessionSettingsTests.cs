using Samjournal.Fhir.Storage;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Storage;

/// <summary>The session settings the store gives its PostgreSQL connections.</summary>
public sealed class PostgresSessionSettingsTests(PostgresHost host) : IClassFixture<PostgresHost>
{
    [Fact]
    public async Task Connections_plan_without_parallel_workers()
    {
        // A parallel plan for $everything took 59 ms against 6 ms without (docs/benchmarks.md).
        var store = host.Services.GetRequiredService<SqlStore>();
        await using var connection = await store.OpenAsync(CancellationToken.None);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SHOW max_parallel_workers_per_gather";

        Assert.Equal("0", await cmd.ExecuteScalarAsync());
    }
}
