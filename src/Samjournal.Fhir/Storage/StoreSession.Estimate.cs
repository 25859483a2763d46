using System.Text;
using System.Text.Json;
using Samjournal.Fhir.Search;

namespace Samjournal.Fhir.Storage;

/// <summary><c>_total=estimate</c> past the first page.</summary>
internal sealed partial class StoreSession
{
    /// <summary>
    /// PostgreSQL's planner estimate of how many resources match: it costs one EXPLAIN, not a
    /// pass over the matches, and the spec lets an estimate be rough. SQLite keeps no statistics
    /// that would make an estimate worth the name, so there the total is left out (null), which
    /// the spec allows for <c>estimate</c>.
    /// </summary>
    public async Task<long?> EstimateCountAsync(string type, IReadOnlyList<SearchClause> clauses, CancellationToken ct)
    {
        // The planner's statistics know nothing of a caller's care relations: under a policy the
        // only honest number is the exact one.
        if (Access is not null)
        {
            return await CountAsync(type, clauses, ct);
        }

        if (!IsPostgres)
        {
            return null;
        }

        if (!_store.TryTypeId(type, out var typeId))
        {
            return 0;
        }

        await FlushAsync(ct);
        clauses = await WithValueSetCodesAsync(clauses, ct);
        await using var cmd = Command("");
        var bind = new Binder(cmd);
        var sql = new StringBuilder($"EXPLAIN (FORMAT JSON) SELECT 1 FROM resources r WHERE r.type_id = {bind.Value(typeId)} AND r.version > 0 AND r.deleted = {bind.Value(false)}");
        foreach (var clause in clauses)
        {
            sql.Append(" AND ").Append(ClauseSql(bind, typeId, clause));
        }

        cmd.CommandText = sql.ToString();
        if (await cmd.ExecuteScalarAsync(ct) is not string plan)
        {
            return null;
        }

        using var document = JsonDocument.Parse(plan);
        return document.RootElement[0].GetProperty("Plan").TryGetProperty("Plan Rows", out var rows) && rows.TryGetDouble(out var estimate)
            ? (long)Math.Round(estimate)
            : null;
    }
}
