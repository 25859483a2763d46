using Samjournal.Fhir.Storage;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Conformance;

/// <summary>Counts straight from the database, independently of the code under test.</summary>
internal static class StoreCounts
{
    public static async Task<Dictionary<string, int>> CurrentByTypeAsync(SamjournalHost host)
    {
        var store = host.Services.GetRequiredService<SqlStore>();
        await using var connection = await store.OpenAsync(CancellationToken.None);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT t.name, COUNT(*) FROM resources r JOIN resource_types t ON t.type_id = r.type_id
            WHERE r.version > 0 AND r.deleted = @false GROUP BY t.name
            """;
        var p = cmd.CreateParameter();
        p.ParameterName = "false";
        p.Value = false;
        cmd.Parameters.Add(p);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }

        return counts;
    }
}
