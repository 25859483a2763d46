using System.Text;
using Samjournal.Fhir.Indexing;

namespace Samjournal.Fhir.Storage;

/// <summary>Writing the typed search index rows of the current version.</summary>
internal sealed partial class StoreSession
{
    private static readonly string[] IndexTables =
        ["idx_token", "idx_string", "idx_reference", "idx_date", "idx_number", "idx_quantity", "idx_uri"];

    // Rows per INSERT statement: large enough to cut round trips, small enough to stay under
    // SQLite's 32,766 bound-parameter limit (widest table: 9 columns).
    private const int RowsPerStatement = 200;

    private async Task DeleteIndexAsync(long key, CancellationToken ct)
    {
        foreach (var table in IndexTables)
        {
            await using var cmd = Command($"DELETE FROM {table} WHERE res_key = @key");
            Add(cmd, "key", key);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private async Task WriteIndexAsync(long key, short typeId, long? compartment, IndexEntries index, CancellationToken ct)
    {
        await InsertRowsAsync("idx_token", ["system", "code", "text"], key, typeId, compartment,
            index.Tokens.Select(t => (t.Param, new object?[] { t.System, t.Code, t.Text })), ct);
        await InsertRowsAsync("idx_string", ["normalized", "exact"], key, typeId, compartment,
            index.Strings.Select(s => (s.Param, new object?[] { s.Normalized, s.Exact })), ct);
        await InsertRowsAsync("idx_reference", ["target_type_id", "target_id", "url", "identifier_system", "identifier_value"], key, typeId, compartment,
            index.References.Select(r => (r.Param, new object?[] { TargetTypeId(r.TargetType), r.TargetId, r.Url, r.IdentifierSystem, r.IdentifierValue })), ct);
        await InsertRowsAsync("idx_date", ["start_us", "end_us"], key, typeId, compartment,
            index.Dates.Select(d => (d.Param, new object?[] { ClampMicros(d.Start), ClampMicros(d.End) })), ct);
        await InsertRowsAsync("idx_number", ["value", "low", "high"], key, typeId, compartment,
            index.Numbers.Select(n => (n.Param, new object?[] { n.Value, n.Low, n.High })), ct);
        await InsertRowsAsync("idx_quantity", ["system", "code", "unit", "value", "low", "high"], key, typeId, compartment,
            index.Quantities.Select(q => (q.Param, new object?[] { q.System, q.Code, q.Unit, q.Value, q.Low, q.High })), ct);
        await InsertRowsAsync("idx_uri", ["uri"], key, typeId, compartment,
            index.Uris.Select(u => (u.Param, new object?[] { u.Uri })), ct);
    }

    private object? TargetTypeId(string? type) =>
        type is not null && _store.TryTypeId(type, out var id) ? id : null;

    private static long ClampMicros(DateTimeOffset value) =>
        value == DateTimeOffset.MaxValue ? long.MaxValue
        : value == DateTimeOffset.MinValue ? long.MinValue
        : ToMicros(value);

    private async Task InsertRowsAsync(
        string table,
        string[] columns,
        long key,
        short typeId,
        long? compartment,
        IEnumerable<(string Param, object?[] Values)> rows,
        CancellationToken ct)
    {
        var pending = new List<(int ParamId, object?[] Values)>();
        foreach (var (param, values) in rows)
        {
            // Parameters outside the registered definitions (none in R4 today) have no table key.
            if (_store.TryParamId(typeId, param, out var paramId))
            {
                pending.Add((paramId, values));
            }
        }

        for (var offset = 0; offset < pending.Count; offset += RowsPerStatement)
        {
            var chunk = pending.Skip(offset).Take(RowsPerStatement).ToList();
            var sql = new StringBuilder()
                .Append("INSERT INTO ").Append(table)
                .Append(" (res_key, compartment_key, param_id, ").AppendJoin(", ", columns).Append(") VALUES ");
            await using var cmd = Command("");
            Add(cmd, "key", key);
            Add(cmd, "compartment", compartment);
            for (var row = 0; row < chunk.Count; row++)
            {
                sql.Append(row == 0 ? "" : ", ").Append("(@key, @compartment, @p").Append(row);
                Add(cmd, "p" + row, chunk[row].ParamId);
                for (var c = 0; c < columns.Length; c++)
                {
                    var name = "v" + row + "_" + c;
                    sql.Append(", @").Append(name);
                    Add(cmd, name, chunk[row].Values[c]);
                }

                sql.Append(')');
            }

            cmd.CommandText = sql.ToString();
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
