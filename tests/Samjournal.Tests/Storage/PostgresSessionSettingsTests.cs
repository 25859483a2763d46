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

    [Fact]
    public async Task Prepared_statements_are_planned_for_their_values_every_time()
    {
        // After five executions PostgreSQL may keep one generic plan for a prepared statement; for a
        // search that plan walked every patient's lab results (430 ms against 13 ms, docs/benchmarks.md).
        var store = host.Services.GetRequiredService<SqlStore>();
        await using var connection = await store.OpenAsync(CancellationToken.None);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM resources WHERE type_id = @type AND id = @id";
        var type = cmd.CreateParameter();
        type.ParameterName = "type";
        type.Value = (short)1;
        var id = cmd.CreateParameter();
        id.ParameterName = "id";
        id.Value = "none";
        cmd.Parameters.Add(type);
        cmd.Parameters.Add(id);
        await cmd.PrepareAsync();
        for (var i = 0; i < 8; i++)
        {
            id.Value = "none-" + i;
            await cmd.ExecuteScalarAsync();
        }

        await using var plans = connection.CreateCommand();
        plans.CommandText = "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE 'SELECT count(*) FROM resources WHERE type_id%'";
        await using var reader = await plans.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the statement should be prepared on the connection");
        Assert.Equal(0L, reader.GetInt64(0));
        Assert.Equal(8L, reader.GetInt64(1));
    }
}
