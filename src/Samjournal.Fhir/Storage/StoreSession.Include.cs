using System.Text;

namespace Samjournal.Fhir.Storage;

/// <summary>_include and _revinclude: resources joined to a page of matches through the reference index.</summary>
internal sealed partial class StoreSession
{
    /// <summary>Current resources that the given resources point to through <paramref name="param"/>
    /// (<c>_include=Type:param[:targetType]</c>); at most <paramref name="limit"/> + 1, so the caller
    /// can tell that it was cut.</summary>
    public Task<List<StoredVersion>> IncludeAsync(string sourceType, IReadOnlyList<string> sourceIds, string param, string? targetType, int limit, CancellationToken ct) =>
        JoinAsync(sourceType, sourceIds, param, targetType, limit, reverse: false, ct);

    /// <summary>Current resources of <paramref name="sourceType"/> that point to the given resources
    /// through <paramref name="param"/> (<c>_revinclude=Type:param</c>).</summary>
    public Task<List<StoredVersion>> RevIncludeAsync(string sourceType, string param, string targetType, IReadOnlyList<string> targetIds, int limit, CancellationToken ct) =>
        JoinAsync(sourceType, targetIds, param, targetType, limit, reverse: true, ct);

    private async Task<List<StoredVersion>> JoinAsync(string sourceType, IReadOnlyList<string> ids, string param, string? targetType, int limit, bool reverse, CancellationToken ct)
    {
        var found = new List<StoredVersion>();
        var anySource = reverse && sourceType == "*";
        var anyParam = param == "*";
        short sourceTypeId = -1;
        var paramId = -1;
        if (ids.Count == 0 || (!anySource && !_store.TryTypeId(sourceType, out sourceTypeId)) || (!anyParam && !_store.TryParamId(sourceTypeId, param, out paramId)))
        {
            return found;
        }

        short? targetTypeId = targetType is null ? null : _store.TryTypeId(targetType, out var t) ? t : (short)-1;
        await FlushAsync(ct);
        await using var cmd = Command("");
        var bind = new Binder(cmd);
        var idList = string.Join(", ", ids.Select(bind.Value));
        var sql = new StringBuilder();
        if (!reverse)
        {
            // From the matches (sources) to what they reference (targets).
            sql.Append("SELECT DISTINCT t.type_id, t.id, v.version, v.last_updated, v.method, v.body, t.compartment_key FROM idx_reference x")
                .Append(" JOIN resources t ON t.type_id = x.target_type_id AND t.id = x.target_id")
                .Append(" JOIN resource_versions v ON v.res_key = t.res_key AND v.version = t.version")
                .Append(" WHERE ").Append(ParamFilter(bind, anyParam, paramId))
                .Append($" AND x.res_key IN (SELECT s.res_key FROM resources s WHERE s.type_id = {bind.Value(sourceTypeId)} AND s.id IN ({idList}))");
            if (targetTypeId is not null)
            {
                sql.Append($" AND x.target_type_id = {bind.Value(targetTypeId.Value)}");
            }
        }
        else
        {
            // From resources of the source type that reference the matches (targets).
            sql.Append("SELECT DISTINCT t.type_id, t.id, v.version, v.last_updated, v.method, v.body, t.compartment_key FROM idx_reference x")
                .Append(" JOIN resources t ON t.res_key = x.res_key")
                .Append(" JOIN resource_versions v ON v.res_key = t.res_key AND v.version = t.version")
                .Append(" WHERE ").Append(ParamFilter(bind, anyParam, paramId)).Append($" AND x.target_id IN ({idList})")
                .Append($" AND x.target_type_id = {bind.Value(targetTypeId ?? -1)}");
            if (anyParam && !anySource)
            {
                sql.Append($" AND t.type_id = {bind.Value(sourceTypeId)}");
            }
        }

        if (PolicySql(bind, "t") is { } policy)
        {
            sql.Append(" AND ").Append(policy);
        }

        sql.Append($" AND t.version > 0 AND t.deleted = {bind.Value(false)} ORDER BY t.type_id, t.id LIMIT {bind.Value(limit + 1)}");
        cmd.CommandText = sql.ToString();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add(Shown(new StoredVersion(
                _store.TypeName(reader.GetInt16(0)),
                reader.GetString(1),
                reader.GetInt32(2),
                FromMicros(reader.GetInt64(3)),
                (VersionMethod)reader.GetInt16(4),
                (byte[])reader.GetValue(5))
            {
                CompartmentKey = reader.IsDBNull(6) ? null : reader.GetInt64(6),
            }));
        }

        return found;
    }

    // A wildcard (*) follows every reference parameter: idx_reference holds only those.
    private static string ParamFilter(Binder bind, bool anyParam, int paramId) => anyParam ? "1 = 1" : $"x.param_id = {bind.Value(paramId)}";
}
