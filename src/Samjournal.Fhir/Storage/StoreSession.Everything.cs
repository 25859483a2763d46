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
        await using var cmd = Command("");
        var bind = new Binder(cmd);
        var patient = bind.Value(patientKey);
        var notDeleted = bind.Value(false);
        var after = bind.Value(request.AfterCursor ?? long.MinValue);

        // The cursor is pushed into both halves, so each page reads only what is left of the record.
        var sql = new StringBuilder()
            .Append("SELECT r.res_key, r.type_id, r.id, r.version, r.compartment_key FROM resources r")
            .Append(" WHERE r.res_key IN (")
            .Append($"SELECT c.res_key FROM resources c WHERE c.compartment_key = {patient} AND c.res_key > {after}")
            .Append(" UNION SELECT t.res_key FROM resources s JOIN idx_reference x ON x.res_key = s.res_key")
            .Append(" JOIN resources t ON t.type_id = x.target_type_id AND t.id = x.target_id")
            .Append($" WHERE s.compartment_key = {patient} AND s.version > 0 AND s.deleted = {notDeleted}")
            .Append($" AND t.compartment_key IS NULL AND t.res_key > {after})")
            .Append($" AND r.version > 0 AND r.deleted = {notDeleted}");
        if (request.Types is { } types)
        {
            var typeIds = types.Select(t => _store.TryTypeId(t, out var id) ? id : (short)-1).Distinct().ToList();
            sql.Append(" AND r.type_id IN (").Append(string.Join(", ", typeIds.Select(id => bind.Value(id)))).Append(')');
        }

        if (request.Since is { } since)
        {
            sql.Append($" AND r.last_updated >= {bind.Value(ToMicros(since))}");
        }

        // The page's keys first, then the bodies of just those rows: joining the versions before
        // the LIMIT read the body of the whole record for every page.
        sql.Append($" ORDER BY r.res_key LIMIT {bind.Value(request.Count + 1)}");
        cmd.CommandText = "SELECT p.res_key, p.type_id, p.id, v.version, v.last_updated, v.method, v.body, p.compartment_key FROM ("
            + sql + ") p JOIN resource_versions v ON v.res_key = p.res_key AND v.version = p.version ORDER BY p.res_key";

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
                (byte[])reader.GetValue(6));
            entries.Add(new EverythingEntry(stored, !reader.IsDBNull(7) && reader.GetInt64(7) == patientKey));
        }

        return new EverythingPage(entries, more ? lastKey : null);
    }
}
