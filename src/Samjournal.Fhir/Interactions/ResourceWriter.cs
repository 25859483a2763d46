using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Indexing;
using Samjournal.Fhir.Serialization;
using Samjournal.Fhir.Storage;

namespace Samjournal.Fhir.Interactions;

/// <summary>
/// The single place where a version is made: sets meta, extracts the index and compartment,
/// runs the write hooks and appends the version in the caller's session.
/// </summary>
internal sealed class ResourceWriter(StoreSession session, TimeProvider time, IReadOnlyList<IWriteHook> hooks, ILogger logger) : IWriteTransaction
{
    public StoreSession Session => session;

    /// <summary>The store's parameters when this transaction began: what it indexes and what its
    /// conditional criteria may use.</summary>
    public SearchParameterCatalog Catalog { get; init; } = SearchParameterCatalog.Instance;

    /// <summary>The store's custom parameters; null writes SearchParameters as plain resources.</summary>
    public Reindexing.SearchParameterRegistry? Registry { get; init; }

    /// <summary>Whom the audit record of each write names; null only for the store's own upkeep.</summary>
    public RequestContext? Request { get; init; }

    /// <summary>Which resources make care relations, and which; null: none are kept.</summary>
    public Policy.ICareRelationRules? Relations { get; init; }

    /// <summary>A SearchParameter was written or deleted: the catalog is reloaded after commit.</summary>
    public bool SearchParametersChanged { get; private set; }

    /// <summary>Writes <paramref name="resource"/> as the next version of Type/id. The caller has
    /// read and locked <paramref name="head"/> in this session.</summary>
    public async Task<StoredVersion> PutAsync(Resource resource, ResourceHead? head, CancellationToken ct)
    {
        var type = resource.TypeName;
        var id = resource.Id ?? throw new InvalidOperationException("The id is assigned before a write.");
        var version = (head?.Version ?? 0) + 1;
        var method = head is null || head.Value.Version == 0 ? VersionMethod.Create : VersionMethod.Update;
        var context = new WriteContext(type, id, method, resource, version);
        // Checked before anything else, so a definition that cannot work is refused and not stored.
        var custom = resource is SearchParameter definition && Registry is not null
            ? Reindexing.CustomSearchParameter.FromResource(definition, SearchParameterCatalog.Instance, Registry.Current.Custom)
            : null;
        Policy.Reservation.RequireReason(resource);
        foreach (var hook in hooks)
        {
            await hook.BeforeWriteAsync(context, this, ct);
        }

        var now = time.GetUtcNow();
        resource.Meta ??= new Meta();
        resource.Meta.VersionId = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        resource.Meta.LastUpdated = TruncateToMicros(now);
        var index = IndexExtractor.Extract(resource, Catalog);
        foreach (var error in index.Errors)
        {
            LogMessages.IndexParameterFailed(logger, type, error.Param, error.ExceptionType);
        }

        var compartment = PatientCompartment.PatientIds(resource, index).FirstOrDefault();
        var relations = Relations is { } rules && rules.Applies(type) ? rules.RelationsOf(resource) : null;
        await RequireWritableAsync(resource, head, compartment, relations, ct);
        var json = FhirFormat.ToJsonBytes(resource);
        var stored = new StoredVersion(type, id, version, resource.Meta.LastUpdated.Value, method, json);
        var patientKey = await session.WriteAsync(new NewVersion(type, id, version, stored.LastUpdated, method, json, index, compartment), head, ct);
        if (relations is not null)
        {
            session.ReplaceRelations(await session.EnsureKeyAsync(type, id, ct), patientKey, relations, existed: head is { Version: > 0 });
        }

        if (patientKey is not null && Relations is { } sourceRules)
        {
            // Which organisations this entry came from, for blocks of everything from a source.
            var writer = session.Access?.BlockTargets.Where(t => t.StartsWith("Organization/", StringComparison.Ordinal)) ?? [];
            session.AddSources(await session.EnsureKeyAsync(type, id, ct), writer.Concat(sourceRules.SourcesOf(resource)), stored.LastUpdated);
        }

        if (type == "Consent" && Relations is { } blockRules)
        {
            await session.ReplaceBlocksAsync(await session.EnsureKeyAsync(type, id, ct), patientKey, blockRules.BlocksOf(resource), ct);
        }

        Audit(method == VersionMethod.Create ? "C" : "U", method == VersionMethod.Create ? "create" : "update", stored, patientKey);
        if (custom is not null)
        {
            await QueueReindexAsync(custom, now, ct);
        }

        foreach (var hook in hooks)
        {
            await hook.AfterWriteAsync(context, this, ct);
        }

        return stored;
    }

    /// <summary>Appends a delete tombstone as the next version. Returns null when there is
    /// nothing to delete (never existed, or already deleted): deleting is idempotent.</summary>
    public async Task<StoredVersion?> DeleteAsync(string type, string id, ResourceHead? head, CancellationToken ct)
    {
        if (head is null || head.Value.Version == 0 || head.Value.Deleted)
        {
            return null;
        }

        var version = head.Value.Version + 1;
        if (!await session.PermitsAsync(type, head.Value.Compartment, ct))
        {
            throw RequestContext.NoAccess($"{type}/{id}", head.Value.Compartment);
        }

        var context = new WriteContext(type, id, VersionMethod.Delete, null, version);
        foreach (var hook in hooks)
        {
            await hook.BeforeWriteAsync(context, this, ct);
        }

        var now = TruncateToMicros(time.GetUtcNow());
        await session.WriteAsync(new NewVersion(type, id, version, now, VersionMethod.Delete, null, null, null), head, ct);
        if (Relations?.Applies(type) == true)
        {
            session.ReplaceRelations(head.Value.Key, null, [], existed: true);
        }

        if (type == "Consent" && Relations is not null)
        {
            await session.ReplaceBlocksAsync(head.Value.Key, null, [], ct);
        }

        Audit("D", "delete", new StoredVersion(type, id, version, now, VersionMethod.Delete, null), head.Value.Compartment);
        if (type == "SearchParameter" && Registry is not null)
        {
            // Retired: searches stop using it after commit; an unfinished reindex of it stops.
            await session.QueueJobAsync(id, null, now, ct);
            SearchParametersChanged = true;
        }
        foreach (var hook in hooks)
        {
            await hook.AfterWriteAsync(context, this, ct);
        }

        return new StoredVersion(type, id, version, now, VersionMethod.Delete, null);
    }

    public async Task<StoredVersion> CreateAsync(Resource resource, CancellationToken ct)
    {
        ResourceIds.RequireType(resource.TypeName);
        resource.Id = ResourceIds.NewId();
        return await PutAsync(resource, null, ct);
    }

    public WriteAuthor? Author => Request?.Actor is { } a ? new WriteAuthor(a.Kind, a.Subject, a.Name, a.HprNumber, a.Role, a.Organisation, a.Unit, a.Purpose) : null;

    async Task<Resource?> IWriteTransaction.ReadAsync(string type, string id, CancellationToken ct)
    {
        ResourceIds.RequireType(type);
        var stored = await AsRuleAsync(() => session.ReadAsync(type, id, null, ct));
        return stored is { IsDeleted: false } ? FhirEngine.ParseStored(stored) : null;
    }

    async Task<IReadOnlyList<Resource>> IWriteTransaction.SearchAsync(string type, string criteria, int limit, CancellationToken ct)
    {
        ResourceIds.RequireType(type);
        var clauses = Search.CriteriaParser.Parse(type, criteria.TrimStart('?'), Catalog);
        var ids = await AsRuleAsync(() => session.FindIdsAsync(type, clauses, limit, ct));
        var found = new List<Resource>(ids.Count);
        foreach (var id in ids)
        {
            if (await session.ReadAsync(type, id, null, ct) is { IsDeleted: false } stored)
            {
                found.Add(FhirEngine.ParseStored(stored));
            }
        }

        return found;
    }

    async Task<StoredVersion> IWriteTransaction.UpdateAsync(Resource resource, CancellationToken ct)
    {
        ResourceIds.RequireType(resource.TypeName);
        var id = resource.Id ?? throw new InvalidOperationException("A hook's update names the resource's id.");
        var head = await session.GetHeadAsync(resource.TypeName, id, ct);
        return await PutAsync(resource, head, ct);
    }

    async Task IWriteTransaction.AuditAsync(string interaction, string what, string? patientId, string detail, CancellationToken ct)
    {
        if (Request is { } request)
        {
            var patientKey = patientId is null ? null : await session.KeyOfAsync("Patient", patientId, ct);
            session.AppendAudit(request.Actor.Row(time.GetUtcNow(), "E", interaction, what, patientKey, detail: detail));
        }
    }

    /// <summary>Reads made by a rule see the whole record: the writer's access filter is set aside
    /// for the read and restored after.</summary>
    private async Task<T> AsRuleAsync<T>(Func<Task<T>> read)
    {
        var access = session.Access;
        session.Access = null;
        try
        {
            return await read();
        }
        finally
        {
            session.Access = access;
        }
    }

    /// <summary>An active definition gets its parameter keys and, when new or changed, a reindex
    /// job, in this transaction: a stored active SearchParameter always has its job.</summary>
    private async Task QueueReindexAsync(Reindexing.CustomSearchParameter custom, DateTimeOffset now, CancellationToken ct)
    {
        SearchParametersChanged = true;
        if (!custom.Active)
        {
            await session.QueueJobAsync(custom.ResourceId, null, now, ct);
            return;
        }

        foreach (var baseType in custom.Bases)
        {
            await session.EnsureParamIdAsync(baseType, custom.Code, ct);
        }

        await session.QueueJobAsync(custom.ResourceId, custom.Definition, now, ct);
    }

    /// <summary>
    /// A write into a patient's record needs access to that record, as a read does: its current
    /// version's and its new version's. Two writes need none: registering a new patient, and a
    /// resource that itself makes the writer's care relation (admitting a patient opens an
    /// Encounter at the writer's unit).
    /// </summary>
    private async Task RequireWritableAsync(Resource resource, ResourceHead? head, string? compartment, IReadOnlyList<Policy.CareRelation>? relations, CancellationToken ct)
    {
        if (session.Access is not { } access)
        {
            return;
        }

        var type = resource.TypeName;
        if (head is { Version: > 0 } existing && !await session.PermitsAsync(type, existing.Compartment, ct))
        {
            throw RequestContext.NoAccess($"{type}/{resource.Id}", existing.Compartment);
        }

        if (compartment is null || (type == "Patient" && head is not { Version: > 0 }))
        {
            return;
        }

        var now = time.GetUtcNow();
        if (relations?.Any(r => access.Grantees.Contains(r.Grantee) && r.From <= now && r.Until > now) == true)
        {
            return;
        }

        var patientKey = await session.KeyOfAsync("Patient", compartment, ct);
        if (!await session.PermitsAsync(type, patientKey, ct))
        {
            throw RequestContext.NoAccess($"Patient/{compartment}", patientKey);
        }
    }

    /// <summary>The audit record of a write, in the write's own transaction: both commit, or neither.</summary>
    private void Audit(string action, string interaction, StoredVersion written, long? patientKey)
    {
        if (Request is { } request)
        {
            session.AppendAudit(request.Actor.Row(
                time.GetUtcNow(), action, interaction, $"{written.Type}/{written.Id}/_history/{written.Version}", patientKey));
        }
    }

    /// <summary>Audit records of what a read inside this transaction disclosed (batch and
    /// transaction GET entries): one per patient whose record it showed.</summary>
    public void AuditRead(string interaction, string what, IEnumerable<StoredVersion> disclosed)
    {
        if (Request is not { } request)
        {
            return;
        }

        var now = time.GetUtcNow();
        var patients = disclosed.Select(v => v.CompartmentKey).Distinct().ToList();
        foreach (var patient in patients.Count == 0 ? [null] : patients)
        {
            session.AppendAudit(request.Actor.Row(now, "R", interaction, what, patient));
        }
    }

    /// <summary>Checks an If-Match version against the head; a mismatch is a 412, never a lost update.</summary>
    public static void CheckVersion(string type, string id, ResourceHead? head, int? ifMatch)
    {
        if (ifMatch is null)
        {
            return;
        }

        var current = head is { Version: > 0, Deleted: false } ? head.Value.Version : 0;
        if (current != ifMatch)
        {
            throw FhirOperationException.PreconditionFailed(current == 0
                ? $"{type}/{id} does not exist, so it cannot be at version {ifMatch}."
                : $"{type}/{id} is at version {current}, not {ifMatch}: someone else changed it. Read it again and reapply your change.");
        }
    }

    // Both databases keep microseconds; meta.lastUpdated must read back exactly as it was written.
    private static DateTimeOffset TruncateToMicros(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % 10), TimeSpan.Zero);
}
