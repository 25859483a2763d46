using System.Text;
using Samjournal.Fhir.Search;

namespace Samjournal.Fhir.Storage;

/// <summary>Patient/$everything: a patient's compartment and what it refers to, one keyset page at a time.</summary>
internal sealed partial class StoreSession
{
    /// <summary>
    /// One page of the record of the patient whose key is <paramref name="patientKey"/>: current
    /// resources in its compartment (the Patient is in its own) and current resources they refer to
    /// that are in no patient's compartment (Practitioner, Organization, Medication...). A resource
    /// in another patient's compartment is never included, even when referred to. Ordered by key,
    /// each resource once; keys never change, so pages stay right while the record changes.
    /// </summary>
    public async Task<EverythingPage> EverythingAsync(long patientKey, EverythingRequest request, CancellationToken ct)
    {
        await FlushAsync(ct);

        // The caller's relation with this patient is checked once here, not per row: the record's
        // rows are in the patient's compartment or in none. Blocks, role and reservations still
        // apply row by row.
        long? related = Access is { Grantees.Count: > 0 } && (await CurrentBasesAsync([patientKey], ct)).ContainsKey(patientKey) ? patientKey : null;
        await using var cmd = Command("");
        var bind = new Binder(cmd);
        var patient = bind.Value(patientKey);
        var notDeleted = bind.Value(false);
        var after = bind.Value(request.AfterCursor ?? long.MinValue);

        // Every filter is pushed into both halves of the union and the page is cut from the union's
        // keys before any body is read. Filtering an IN (union) on the resources table let
        // PostgreSQL merge-join the whole table by key (15 ms per page on the Synthea data).
        var typeList = request.Types is { } types
            ? string.Join(", ", types.Select(t => _store.TryTypeId(t, out var id) ? id : (short)-1).Distinct().Select(id => bind.Value(id)))
            : null;
        var sinceValue = request.Since is { } since ? bind.Value(ToMicros(since)) : null;
        string Current(string alias)
        {
            var condition = $"{alias}.res_key > {after} AND {alias}.version > 0 AND {alias}.deleted = {notDeleted}";
            condition += PolicySql(bind, alias, related) is { } policy ? " AND " + policy : "";
            condition += typeList is null ? "" : $" AND {alias}.type_id IN ({typeList})";
            return condition + (sinceValue is null ? "" : $" AND {alias}.last_updated >= {sinceValue}");
        }

        var keys = new StringBuilder()
            .Append($"SELECT c.res_key FROM resources c WHERE c.compartment_key = {patient} AND {Current("c")}")
            // Index rows exist for current versions only and carry their resource's compartment key,
            // so the record's references are read from ix_reference_compartment, each target once,
            // and each target is looked up by (type, id). A join let PostgreSQL hash every resource
            // outside a compartment instead, and those grow with the data (6,384 at 10x: 12 ms).
            .Append(" UNION SELECT k.res_key FROM (SELECT (SELECT t.res_key FROM resources t")
            .Append($" WHERE t.type_id = x.target_type_id AND t.id = x.target_id AND t.compartment_key IS NULL AND {Current("t")}) AS res_key")
            .Append(" FROM (SELECT DISTINCT x.target_type_id, x.target_id FROM idx_reference x")
            .Append($" WHERE x.compartment_key = {patient} AND x.target_type_id IS NOT NULL) x) k WHERE k.res_key IS NOT NULL");
        cmd.CommandText = "SELECT r.res_key, r.type_id, r.id, v.version, v.last_updated, v.method, v.body, r.compartment_key"
            + $" FROM (SELECT u.res_key FROM ({keys}) u ORDER BY u.res_key LIMIT {bind.Value(request.Count + 1)}) p"
            + " JOIN resources r ON r.res_key = p.res_key JOIN resource_versions v ON v.res_key = r.res_key AND v.version = r.version ORDER BY r.res_key";

        var entries = new List<EverythingEntry>();
        long lastKey = 0;
        var more = false;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (entries.Count == request.Count)
            {
                more = true;
                break;
            }

            lastKey = reader.GetInt64(0);
            var stored = new StoredVersion(
                _store.TypeName(reader.GetInt16(1)),
                reader.GetString(2),
                reader.GetInt32(3),
                FromMicros(reader.GetInt64(4)),
                (VersionMethod)reader.GetInt16(5),
                (byte[])reader.GetValue(6))
            {
                CompartmentKey = reader.IsDBNull(7) ? null : reader.GetInt64(7),
            };
            entries.Add(new EverythingEntry(Shown(stored), !reader.IsDBNull(7) && reader.GetInt64(7) == patientKey));
        }

        return new EverythingPage(entries, more ? lastKey : null);
    }
}
