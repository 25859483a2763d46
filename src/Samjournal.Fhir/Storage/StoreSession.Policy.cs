using Samjournal.Fhir.Policy;

namespace Samjournal.Fhir.Storage;

/// <summary>
/// Access policy inside SQL. A session carries the caller's <see cref="AccessFilter"/> (null: the
/// store's own work and system clients, unrestricted), and every query that returns resources adds
/// <see cref="PolicySql"/>, so what a caller may not see is never read, counted or paged over.
/// </summary>
internal sealed partial class StoreSession
{
    // Sources whose relations went to the database earlier in this session: a later replace deletes them.
    private readonly HashSet<long> _relationsFlushed = [];

    /// <summary>The caller's limits for every query in this session; null for none.</summary>
    public AccessFilter? Access { get; set; }

    /// <summary>The condition the row aliased <paramref name="row"/> (resources or resource_versions:
    /// both have res_key, type_id and compartment_key) must meet; null when unrestricted.
    /// <paramref name="relatedPatient"/>: a patient the caller is known to have a care relation with now,
    /// checked once instead of per row (a patient's own record in $everything).</summary>
    private string? PolicySql(Binder bind, string row, long? relatedPatient = null)
    {
        if (Access is not { } access)
        {
            return null;
        }

        var compartmentColumn = $"{row}.compartment_key";
        var resKey = $"{row}.res_key";

        var visible = new List<string>();
        if (relatedPatient is { } related)
        {
            visible.Add($"{compartmentColumn} = {bind.Value(related)}");
        }
        else if (access.Grantees.Count > 0)
        {
            var now = bind.Value(ToMicros(access.Now));
            visible.Add($"{compartmentColumn} IN (SELECT cr.patient_key FROM care_relations cr WHERE cr.grantee IN ({string.Join(", ", access.Grantees.Select(bind.Value))})"
                + $" AND cr.valid_from_us <= {now} AND cr.valid_until_us > {now})");
        }

        if (access.OwnPatientKey is { } own)
        {
            visible.Add($"({compartmentColumn} = {bind.Value(own)} AND NOT {LabelledSql(bind, resKey, Policy.Reservation.FromPatient)})");
        }

        if (access.ChildKeys.Count > 0)
        {
            visible.Add($"{compartmentColumn} IN ({string.Join(", ", access.ChildKeys.Select(k => bind.Value(k)))})");
        }

        if (access.LimitedChildKeys.Count > 0)
        {
            // The reservation is a security label, indexed under each type's _security parameter.
            visible.Add($"({compartmentColumn} IN ({string.Join(", ", access.LimitedChildKeys.Select(k => bind.Value(k)))})"
                + $" AND NOT {LabelledSql(bind, resKey, Policy.Reservation.FromParents)})");
        }

        var condition = $"({compartmentColumn} IS NULL{string.Concat(visible.Select(v => " OR " + v))})";
        if (access.OnlyPatientKey is { } only)
        {
            condition += $" AND ({compartmentColumn} IS NULL OR {compartmentColumn} = {bind.Value(only)})";
        }

        if (access.BlockTargets.Count > 0)
        {
            // Blocked: the item itself, and whatever refers to it (the notes and results of a blocked encounter).
            condition += $" AND NOT EXISTS (SELECT 1 FROM record_blocks b WHERE b.patient_key = {compartmentColumn}"
                + $" AND b.target IN ({string.Join(", ", access.BlockTargets.Select(bind.Value))})"
                + $" AND {BlockedItemSql(resKey)})";
        }

        if (access.AllowedTypes is { } types)
        {
            var ids = types.Select(t => _store.TryTypeId(t, out var id) ? (short?)id : null).OfType<short>().ToList();
            condition += ids.Count == 0 ? " AND 1 = 0" : $" AND {row}.type_id IN ({string.Join(", ", ids.Select(id => bind.Value(id)))})";
        }

        return condition;
    }

    /// <summary>A version as this caller may see it: a protected patient's address and telecom
    /// removed unless the caller is the patient or on the allow-list.</summary>
    private StoredVersion Shown(StoredVersion version) =>
        Access is { SeesProtectedAddresses: false } access && version.Type == "Patient" && version.Json is { } json && version.CompartmentKey != access.OwnPatientKey
            ? version with { Json = Policy.ProtectedAddress.Masked(json) }
            : version;

    /// <summary>A search on a field that reveals where people live never matches a protected patient.</summary>
    private string? ProtectedAddressSql(Binder bind, short typeId, IReadOnlyList<Search.SearchClause> clauses, string row)
    {
        if (Access is not { SeesProtectedAddresses: false } access || !_store.TryTypeId("Patient", out var patientType) || typeId != patientType
            || !clauses.Any(c => c.Param is { } p && Policy.ProtectedAddress.RevealingParameters.Contains(p))
            || !_store.TryParamId(patientType, "_security", out var security))
        {
            return null;
        }

        var own = access.OwnPatientKey is { } key ? $"{row}.res_key = {bind.Value(key)} OR " : "";
        return $"({own}NOT EXISTS (SELECT 1 FROM idx_token px WHERE px.res_key = {row}.res_key AND px.param_id = {bind.Value(security)}"
            + $" AND px.system = {bind.Value(Policy.ProtectedAddress.System)} AND px.code IN ({bind.Value(Policy.ProtectedAddress.Confidential)}, {bind.Value(Policy.ProtectedAddress.StrictlyConfidential)})))";
    }

    /// <summary>The row carries a reservation label (indexed under each type's _security parameter).</summary>
    private static string LabelledSql(Binder bind, string resKey, string code) =>
        $"EXISTS (SELECT 1 FROM idx_token rx WHERE rx.res_key = {resKey}"
        + " AND rx.param_id IN (SELECT sp.param_id FROM search_params sp WHERE sp.code = '_security')"
        + $" AND rx.system = {bind.Value(Policy.Reservation.System)} AND rx.code = {bind.Value(code)})";

    /// <summary>Whether the caller may see a resource in <paramref name="compartment"/> of <paramref name="type"/>.</summary>
    public async Task<bool> PermitsAsync(string type, long? compartment, CancellationToken ct)
    {
        if (Access is not { } access)
        {
            return true;
        }

        if (access.AllowedTypes is { } types && !types.Contains(type))
        {
            return false;
        }

        if (access.OnlyPatientKey is { } only && compartment is { } inRecord && inRecord != only)
        {
            return false;
        }

        if (compartment is null || compartment == access.OwnPatientKey || access.ChildKeys.Contains(compartment.Value) || access.LimitedChildKeys.Contains(compartment.Value))
        {
            return true;
        }

        return (await CurrentBasesAsync([compartment.Value], ct)).ContainsKey(compartment.Value);
    }

    /// <summary>Whether the caller may see this very version: its record, and for a parent of a
    /// 12–16-year-old, whether it is reserved from parents.</summary>
    public async Task<bool> PermitsAsync(StoredVersion version, CancellationToken ct) =>
        await PermitsAsync(version.Type, version.CompartmentKey, ct)
        && !(Access is { } access && version.CompartmentKey is { } key && access.LimitedChildKeys.Contains(key) && Policy.Reservation.Carries(version.Json, Policy.Reservation.FromParents))
        && !(Access is { OwnPatientKey: { } own } && version.CompartmentKey == own && Policy.Reservation.Carries(version.Json, Policy.Reservation.FromPatient))
        && !await IsBlockedAsync(version, ct);

    /// <summary>Whether a block keeps this resource (by its current index) from the caller.</summary>
    private async Task<bool> IsBlockedAsync(StoredVersion version, CancellationToken ct)
    {
        if (Access is not { BlockTargets.Count: > 0 } access || version.CompartmentKey is not { } patient || !_store.TryTypeId(version.Type, out var typeId))
        {
            return false;
        }

        await FlushAsync(ct);
        await using var cmd = Command("");
        var bind = new Binder(cmd);
        cmd.CommandText = $"SELECT 1 FROM record_blocks b JOIN resources rr ON rr.type_id = {bind.Value(typeId)} AND rr.id = {bind.Value(version.Id)}"
            + $" WHERE b.patient_key = {bind.Value(patient)} AND b.target IN ({string.Join(", ", access.BlockTargets.Select(bind.Value))})"
            + $" AND {BlockedItemSql("rr.res_key")}";
        return await cmd.ExecuteScalarAsync(ct) is not null and not DBNull;
    }

    /// <summary>Block row <c>b</c> covers the resource <paramref name="resKey"/>: it is the blocked
    /// item or refers to it, or (a block by source, item type 0) it came from the blocked
    /// organisation within the block's data period.</summary>
    private static string BlockedItemSql(string resKey) =>
        $"(b.item_key = {resKey} OR EXISTS (SELECT 1 FROM idx_reference bx WHERE bx.res_key = {resKey}"
        + " AND bx.target_type_id = b.item_type_id AND bx.target_id = b.item_id)"
        + $" OR (b.item_type_id = 0 AND EXISTS (SELECT 1 FROM entry_sources es WHERE es.res_key = {resKey} AND es.source = b.item_id"
        + " AND (b.data_from_us IS NULL OR es.made_us >= b.data_from_us) AND (b.data_until_us IS NULL OR es.made_us < b.data_until_us))))";

    /// <summary>Queues the organisations an entry came from (appended per write: a source stays one).</summary>
    public void AddSources(long resKey, IEnumerable<string> sources, DateTimeOffset madeAt)
    {
        var made = ToMicros(madeAt);
        foreach (var source in sources.Distinct(StringComparer.Ordinal))
        {
            _pending.Sources.Add([resKey, source, made]);
        }
    }

    /// <summary>Replaces the blocks made by Consent <paramref name="sourceKey"/>, in this transaction.</summary>
    public async Task ReplaceBlocksAsync(long sourceKey, long? patientKey, IReadOnlyList<Policy.RecordBlock> blocks, CancellationToken ct)
    {
        await FlushAsync(ct);
        await using (var delete = Command("DELETE FROM record_blocks WHERE source_key = @source"))
        {
            Add(delete, "source", sourceKey);
            await delete.ExecuteNonQueryAsync(ct);
        }

        foreach (var block in patientKey is null ? [] : blocks)
        {
            if (block.IsSource)
            {
                await using var source = Command(
                    "INSERT INTO record_blocks (source_key, patient_key, target, item_key, item_type_id, item_id, data_from_us, data_until_us)"
                    + " VALUES (@source, @patient, @target, 0, 0, @id, @from, @until)");
                Add(source, "source", sourceKey);
                Add(source, "patient", patientKey!.Value);
                Add(source, "target", block.Target);
                Add(source, "id", block.ItemId);
                Add(source, "from", block.DataFrom is { } from ? ToMicros(from) : null);
                Add(source, "until", block.DataUntil is { } until ? ToMicros(until) : null);
                await source.ExecuteNonQueryAsync(ct);
                continue;
            }

            if (!_store.TryTypeId(block.ItemType, out var itemType))
            {
                continue;
            }

            var itemKey = await EnsureKeyAsync(block.ItemType, block.ItemId, ct);
            await FlushAsync(ct);
            await using var insert = Command(
                "INSERT INTO record_blocks (source_key, patient_key, target, item_key, item_type_id, item_id) VALUES (@source, @patient, @target, @key, @type, @id)");
            Add(insert, "source", sourceKey);
            Add(insert, "patient", patientKey!.Value);
            Add(insert, "target", block.Target);
            Add(insert, "key", itemKey);
            Add(insert, "type", itemType);
            Add(insert, "id", block.ItemId);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>For each patient the caller now has a care relation with, its bases (emergency last).</summary>
    public async Task<IReadOnlyDictionary<long, string>> CurrentBasesAsync(IReadOnlyCollection<long> patients, CancellationToken ct)
    {
        var bases = new Dictionary<long, string>();
        if (Access is not { Grantees.Count: > 0 } access || patients.Count == 0)
        {
            return bases;
        }

        // A read asks twice in one request (may I see it; on what basis do I audit it): the second
        // time is answered from what the first found. Only found relations are kept: one a write in
        // this request makes must not be hidden by an earlier miss.
        var unknown = new List<long>();
        foreach (var patient in patients)
        {
            if (access.FoundBases.TryGetValue(patient, out var found))
            {
                bases[patient] = found;
            }
            else
            {
                unknown.Add(patient);
            }
        }

        if (unknown.Count == 0)
        {
            return bases;
        }

        patients = unknown;
        await FlushAsync(ct);
        await using var cmd = Command("");
        var bind = new Binder(cmd);
        var now = bind.Value(ToMicros(access.Now));
        cmd.CommandText = $"SELECT DISTINCT cr.patient_key, cr.basis FROM care_relations cr WHERE cr.patient_key IN ({string.Join(", ", patients.Select(p => bind.Value(p)))})"
            + $" AND cr.grantee IN ({string.Join(", ", access.Grantees.Select(bind.Value))}) AND cr.valid_from_us <= {now} AND cr.valid_until_us > {now}";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var patient = reader.GetInt64(0);
            var basis = reader.GetString(1);
            // A care relation is the basis whenever there is one; emergency access only when it is the only one.
            bases[patient] = bases.TryGetValue(patient, out var known) && known != "emergency" ? known : basis;
            access.FoundBases[patient] = bases[patient];
        }

        return bases;
    }

    /// <summary>The caller's basis for seeing patient <paramref name="patientColumn"/> now, as a column of a
    /// page's rows, so the audit record's basis needs no second round trip (<see cref="CurrentBasesAsync"/>
    /// finds it in <see cref="AccessFilter.FoundBases"/>). Null when the caller acts on no care relations.
    /// Same rule as there: a care relation whenever there is one, emergency access only alone.</summary>
    private string? BasisSql(Binder bind, string patientColumn)
    {
        if (Access is not { Grantees.Count: > 0 } access)
        {
            return null;
        }

        var now = bind.Value(ToMicros(access.Now));
        return $"(SELECT cr.basis FROM care_relations cr WHERE cr.patient_key = {patientColumn}"
            + $" AND cr.grantee IN ({string.Join(", ", access.Grantees.Select(bind.Value))}) AND cr.valid_from_us <= {now} AND cr.valid_until_us > {now}"
            + $" ORDER BY (cr.basis = {bind.Value("emergency")}), cr.basis LIMIT 1)";
    }

    /// <summary>Replaces the care relations made by resource <paramref name="sourceKey"/>, in this
    /// transaction. Queued with the other rows of the write (a flush per encounter halved ingest);
    /// <paramref name="existed"/>: the resource had a version before, so it may have stored relations.</summary>
    public void ReplaceRelations(long sourceKey, long? patientKey, IReadOnlyList<CareRelation> relations, bool existed)
    {
        if (existed || _relationsFlushed.Contains(sourceKey))
        {
            _pending.RelationDeletes.Add(sourceKey);
        }

        _pending.Relations[sourceKey] = patientKey is not { } patient ? [] : relations
            .Select(r => new object?[]
            {
                sourceKey, patient, r.Grantee, r.Basis, ToMicros(r.From),
                r.Until == DateTimeOffset.MaxValue ? long.MaxValue : ToMicros(r.Until),
            })
            .ToList();
    }

}
