using Hl7.Fhir.Model;
using Samjournal.Access.Audit;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Search;
using Samjournal.Fhir.Storage;

namespace Samjournal.Access.Repository;

/// <summary>
/// The one door to patient data: made per request for one <see cref="Caller"/>. Everything the
/// host, the web app, imports and workflows read or write goes through here; the store and the
/// engine behind it are internal to the Fhir/Access pair. Every read, search and write that
/// passes leaves an audit record: writes in their own transaction, reads before their data is
/// returned.
/// </summary>
public sealed class ScopedRepository
{
    private readonly FhirEngine _engine;
    private readonly SqlStore _store;
    private readonly AuditTrail _audit;
    private readonly AuditChainer _chainer;
    private readonly AuditOptions _auditOptions;
    private readonly Policy.CallerAccess _access;
    private readonly Policy.AccessOptions _accessOptions;
    private RequestContext? _request;

    internal ScopedRepository(
        FhirEngine engine, SqlStore store, AuditTrail audit, AuditChainer chainer, AuditOptions auditOptions,
        Policy.CallerAccess access, Policy.AccessOptions accessOptions, Caller caller)
    {
        _engine = engine;
        _store = store;
        _audit = audit;
        _chainer = chainer;
        _auditOptions = auditOptions;
        _access = access;
        _accessOptions = accessOptions;
        Caller = caller;
    }

    public Caller Caller { get; }

    /// <summary>Something this request disclosed rests on emergency access alone: the UI and the
    /// API response say so (the banner).</summary>
    public bool EmergencyAccessInEffect { get; private set; }

    /// <summary>The legal basis this caller's access rests on, as audit records name it; for staff
    /// the basis of each patient is looked up (care relation or emergency).</summary>
    private string Basis => Caller.Kind switch
    {
        CallerKind.System => "system",
        CallerKind.Citizen => "own-access",
        _ => "care-relationship",
    };

    /// <summary>The caller's audit name and access filter, resolved once per request.</summary>
    private async Task<RequestContext> RequestAsync(CancellationToken ct) =>
        _request ??= new RequestContext(AuditTrail.ActorOf(Caller, Basis), await _access.FilterForAsync(Caller, ct));

    /// <summary>Who the signed-in member of staff is in the record, as the access policy resolved it
    /// for this request: their Practitioner, their PractitionerRoles at their unit and the unit, as
    /// <c>Type/id</c>. Empty for citizens and system clients.</summary>
    public async Task<IReadOnlyList<string>> StaffIdentityAsync(CancellationToken ct) => (await RequestAsync(ct)).Access?.Grantees ?? [];

    public Task<StoredVersion> ReadAsync(string type, string id, CancellationToken ct) =>
        DiscloseAsync("read", $"{type}/{id}", async request => await _engine.ReadAsync(request, type, id, ct), v => [v], ct);

    public Task<StoredVersion> VReadAsync(string type, string id, int version, CancellationToken ct) =>
        DiscloseAsync("vread", $"{type}/{id}/_history/{version}", async request => await _engine.VReadAsync(request, type, id, version, ct), v => [v], ct);

    public Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct)
    {
        var interaction = query.Type is null ? "history-system" : query.Id is null ? "history-type" : "history-instance";
        var what = query.Type is null ? "_history" : query.Id is null ? $"{query.Type}/_history" : $"{query.Type}/{query.Id}/_history";
        return DiscloseAsync(interaction, what, async request => await _engine.HistoryAsync(request, query, ct), page => page.Versions, ct);
    }

    public Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken ct) =>
        DiscloseAsync("search-type", request.Query ?? request.Type, async context => await _engine.SearchAsync(context, request, ct),
            result => result.Page.Matches.Concat(result.Included), ct);

    /// <summary>The current resources of <paramref name="type"/> matching <paramref name="criteria"/>
    /// (a FHIR query string, as after the '?'), at most <paramref name="count"/>, parsed: the plain
    /// search that workflows and workers use. Filtered and audited like every search.</summary>
    public async Task<IReadOnlyList<Resource>> FindAsync(string type, string criteria, int count, CancellationToken ct)
    {
        // _sort (e.g. -date) orders in the query, so "the newest n" is exactly that.
        var parts = criteria.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries);
        var sortText = parts.FirstOrDefault(p => p.StartsWith("_sort=", StringComparison.Ordinal))?["_sort=".Length..];
        var clauses = CriteriaParser.Parse(type, string.Join('&', parts.Where(p => !p.StartsWith("_sort=", StringComparison.Ordinal))), _engine.SearchParameters);
        var sort = sortText is null ? [] : Samjournal.Fhir.Search.SortKey.Parse(type, Uri.UnescapeDataString(sortText), true, [], _engine.SearchParameters);
        var request = new SearchRequest(type, clauses, count, true, TotalMode.None, [], 0) { Query = $"{type}?{criteria.TrimStart('?')}", Sort = sort };
        var result = await SearchAsync(request, ct);
        return result.Page.Matches.Where(v => !v.IsDeleted).Select(v => Samjournal.Fhir.Serialization.FhirFormat.Parse(v.Json!, Samjournal.Fhir.Serialization.FhirMediaType.Json)).ToList();
    }

    /// <summary>Every current resource of <paramref name="type"/> matching <paramref name="criteria"/>,
    /// page by page (keyset paging: nothing is skipped or repeated while others write), for workers
    /// and reports that must see all of them, never the first n. Each page is filtered and audited.</summary>
    public async IAsyncEnumerable<Resource> FindAllAsync(string type, string criteria, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var clauses = CriteriaParser.Parse(type, criteria.TrimStart('?'), _engine.SearchParameters);
        Samjournal.Fhir.Search.PageCursor? cursor = null;
        do
        {
            var request = new SearchRequest(type, clauses, 500, true, TotalMode.None, [], 0) { Query = $"{type}?{criteria.TrimStart('?')}", Cursor = cursor };
            var result = await SearchAsync(request, ct);
            foreach (var version in result.Page.Matches.Where(v => !v.IsDeleted))
            {
                yield return Samjournal.Fhir.Serialization.FhirFormat.Parse(version.Json!, Samjournal.Fhir.Serialization.FhirMediaType.Json);
            }

            cursor = result.Page.Next;
        }
        while (cursor is not null);
    }

    public Task<EverythingPage> EverythingAsync(EverythingRequest request, CancellationToken ct) =>
        DiscloseAsync("operation", $"Patient/{request.PatientId}/$everything", async context => await _engine.EverythingAsync(context, request, ct),
            page => page.Entries.Select(e => e.Resource), ct);

    /// <summary>Runs a read under the caller's filter and audits it: what it disclosed, per patient
    /// with the legal basis for that patient, or the denial.</summary>
    private async Task<T> DiscloseAsync<T>(string interaction, string what, Func<RequestContext, Task<T>> read, Func<T, IEnumerable<StoredVersion>> disclosed, CancellationToken ct)
    {
        var request = await RequestAsync(ct);
        T result;
        try
        {
            result = await read(request);
        }
        catch (AccessDeniedException denied)
        {
            await _audit.RecordDenialAsync(request.Actor, interaction, what, denied.PatientKey, denied.Message);
            throw;
        }

        var versions = disclosed(result).ToList();
        var bases = await BasesAsync(request, versions, ct);
        EmergencyAccessInEffect |= bases?.Values.Contains("emergency") == true;
        await _audit.RecordDisclosureAsync(request.Actor, interaction, what, versions, bases);
        return result;
    }

    /// <summary>For staff, each disclosed patient's basis: a care relation, or emergency access.</summary>
    private async Task<IReadOnlyDictionary<long, string>?> BasesAsync(RequestContext request, IReadOnlyList<StoredVersion> versions, CancellationToken ct)
    {
        if (request.Access is not { Grantees.Count: > 0 } filter)
        {
            return null;
        }

        var patients = versions.Select(v => v.CompartmentKey).OfType<long>().Distinct().ToList();
        if (patients.Count == 0)
        {
            return null;
        }

        await using var session = await _store.ReadAsync(ct);
        session.Access = filter;
        return await session.CurrentBasesAsync(patients, ct);
    }

    private async Task<T> WriteAsync<T>(string interaction, string what, Func<RequestContext, Task<T>> write, CancellationToken ct)
    {
        var request = await RequestAsync(ct);
        try
        {
            return await write(request);
        }
        catch (AccessDeniedException denied)
        {
            await _audit.RecordDenialAsync(request.Actor, interaction, what, denied.PatientKey, denied.Message);
            throw;
        }
    }

    public Task<WriteOutcome> CreateAsync(Resource resource, string? ifNoneExist, CancellationToken ct) =>
        WriteAsync("create", resource.TypeName, request => _engine.CreateAsync(request, resource, ifNoneExist, ct), ct);

    public Task<WriteOutcome> UpdateAsync(string type, string id, Resource resource, int? ifMatch, CancellationToken ct) =>
        WriteAsync("update", $"{type}/{id}", request => _engine.UpdateAsync(request, type, id, resource, ifMatch, ct), ct);

    public Task<WriteOutcome> ConditionalUpdateAsync(string type, string criteria, Resource resource, int? ifMatch, CancellationToken ct) =>
        WriteAsync("update", $"{type}?{criteria}", request => _engine.ConditionalUpdateAsync(request, type, criteria, resource, ifMatch, ct), ct);

    public Task<WriteOutcome> DeleteAsync(string type, string id, int? ifMatch, CancellationToken ct) =>
        WriteAsync("delete", $"{type}/{id}", request => _engine.DeleteAsync(request, type, id, ifMatch, ct), ct);

    public Task<WriteOutcome> ConditionalDeleteAsync(string type, string criteria, CancellationToken ct) =>
        WriteAsync("delete", $"{type}?{criteria}", request => _engine.ConditionalDeleteAsync(request, type, criteria, ct), ct);

    public Task<WriteOutcome> PatchAsync(string type, string id, PatchDocument patch, int? ifMatch, CancellationToken ct) =>
        WriteAsync("patch", $"{type}/{id}", request => _engine.PatchAsync(request, type, id, patch, ifMatch, ct), ct);

    /// <summary>The store's search parameters: built-in and custom. Parse search criteria with it,
    /// so custom parameters are known and those still being indexed are reported as such.</summary>
    public Samjournal.Fhir.Indexing.SearchParameterCatalog SearchParameters => _engine.SearchParameters;

    /// <summary>The progress of the newest reindex job of custom SearchParameter/<paramref name="id"/>.</summary>
    public Task<Samjournal.Fhir.Reindexing.ReindexJob> ReindexStatusAsync(string id, CancellationToken ct) => _engine.ReindexStatusAsync(id, ct);

    public async Task<Bundle> ProcessBundleAsync(Bundle bundle, string baseUrl, bool strictSearch, CancellationToken ct)
    {
        var interaction = bundle.Type == Bundle.BundleType.Batch ? "batch" : "transaction";
        var response = await WriteAsync(interaction, "Bundle", request => _engine.ProcessBundleAsync(request, bundle, baseUrl, strictSearch, ct), ct);
        var request = await RequestAsync(ct);
        while (request.BatchDenials.TryDequeue(out var denied))
        {
            await _audit.RecordDenialAsync(request.Actor, interaction, "Bundle entry", denied.PatientKey, denied.Message);
        }

        return response;
    }

    /// <summary>
    /// Emergency access (akuttilgang): a member of staff with no care relationship states a reason
    /// from the code list and in words, and may see the patient's record for a limited time. It is
    /// recorded as a Task in the patient's record, owned by the person's unit for the unit leader's
    /// review; the Task makes the time-limited relation, so it takes effect at once and everywhere.
    /// </summary>
    public async Task<EmergencyAccessGrant> RequestEmergencyAccessAsync(string patientId, string reasonCode, string reasonText, CancellationToken ct)
    {
        var request = await RequestAsync(ct);
        if (Caller.Kind != CallerKind.Staff || request.Access?.Grantees.FirstOrDefault(g => g.StartsWith("Practitioner/", StringComparison.Ordinal)) is not { } practitioner)
        {
            throw Samjournal.Fhir.Errors.FhirOperationException.Forbidden("Emergency access is for health personnel signed in with an HPR number known to the record.");
        }

        var reason = Policy.EmergencyReasons.Find(reasonCode) ?? throw Samjournal.Fhir.Errors.FhirOperationException.BadRequest(
            $"'{reasonCode}' is not an emergency access reason; use one of: {string.Join(", ", Policy.EmergencyReasons.All.Select(r => r.Code))}.", "reason");
        if (string.IsNullOrWhiteSpace(reasonText) || reasonText.Trim().Length < 10)
        {
            throw Samjournal.Fhir.Errors.FhirOperationException.BadRequest("Say in a sentence why emergency access is needed (at least 10 characters); the unit leader reviews it.", "text");
        }

        var now = _accessOptions.Time.GetUtcNow();
        var until = now + _accessOptions.EmergencyAccessDuration;
        var unit = request.Access.Grantees.FirstOrDefault(g => g.StartsWith("Organization/", StringComparison.Ordinal));
        var task = new Hl7.Fhir.Model.Task
        {
            Status = Hl7.Fhir.Model.Task.TaskStatus.Requested,
            Intent = Hl7.Fhir.Model.Task.TaskIntent.Order,
            Priority = RequestPriority.Urgent,
            Code = new CodeableConcept(Policy.CareRelationRules.TaskCodeSystem, Policy.CareRelationRules.EmergencyAccessCode, "Emergency access to review"),
            Description = "Emergency access (akuttilgang) to review and close.",
            For = new ResourceReference("Patient/" + patientId),
            Requester = new ResourceReference(practitioner, Caller.Name),
            Owner = unit is null ? null : new ResourceReference(unit),
            PerformerType = [new CodeableConcept("https://samjournal.no/fhir/CodeSystem/staff-role", StaffRoles.UnitLeader)],
            ReasonCode = new CodeableConcept(Policy.EmergencyReasons.System, reason.Code, reason.Display) { Text = reasonText.Trim() },
            AuthoredOnElement = new FhirDateTime(now),
            ExecutionPeriod = new Period(new FhirDateTime(now), new FhirDateTime(until)),
        };

        await RequirePatientAsync(patientId, ct);
        var outcome = await WriteAsync("operation", $"Patient/{patientId}/$emergency-access", r => _engine.CreateAsync(r, task, null, ct), ct);
        return new EmergencyAccessGrant(outcome.Version!.Id, until);
    }

    /// <summary>
    /// The unit leader's worklist of emergency accesses to review: open review Tasks owned by the
    /// leader's unit, oldest first. The leader reviews the access (who, when, why) without a care
    /// relation to the patient, so this list is read past the record's policy, for exactly these
    /// Tasks, and audited as such.
    /// </summary>
    public async Task<IReadOnlyList<StoredVersion>> EmergencyAccessReviewsAsync(CancellationToken ct)
    {
        var (request, unit) = await UnitLeaderAsync(ct);
        var clauses = Samjournal.Fhir.Search.CriteriaParser.Parse(
            "Task", $"code={Policy.CareRelationRules.TaskCodeSystem}|{Policy.CareRelationRules.EmergencyAccessCode}&owner={unit}&status=requested");
        var search = new SearchRequest("Task", clauses, 500, true, TotalMode.None, [], 0) { Query = "Task?emergency-access-reviews" };
        var result = await _engine.SearchAsync(null, search, ct);
        var reviewer = request.Actor with { Basis = "emergency-access-review" };
        await _audit.RecordDisclosureAsync(reviewer, "search-type", "emergency-access reviews of " + unit, result.Page.Matches);
        return result.Page.Matches;
    }

    /// <summary>Closes the review of an emergency access: the Task is completed with the leader's note.</summary>
    public async Task<WriteOutcome> CloseEmergencyAccessReviewAsync(string taskId, string note, CancellationToken ct)
    {
        var (request, unit) = await UnitLeaderAsync(ct);
        if (string.IsNullOrWhiteSpace(note))
        {
            throw Samjournal.Fhir.Errors.FhirOperationException.BadRequest("A review is closed with a note saying what was found.", "note");
        }

        var reviewer = new RequestContext(request.Actor with { Basis = "emergency-access-review" });
        var stored = await _engine.ReadAsync(null, "Task", taskId, ct);
        if (Samjournal.Fhir.Serialization.FhirFormat.Parse(stored.Json!, Samjournal.Fhir.Serialization.FhirMediaType.Json) is not Hl7.Fhir.Model.Task task
            || task.Code?.Coding.Any(c => c.Code == Policy.CareRelationRules.EmergencyAccessCode) != true || task.Owner?.Reference != unit)
        {
            throw Samjournal.Fhir.Errors.FhirOperationException.Forbidden($"Task/{taskId} is not an emergency access review of your unit.");
        }

        task.Status = Hl7.Fhir.Model.Task.TaskStatus.Completed;
        task.Note.Add(new Annotation { Text = note.Trim(), Author = new ResourceReference(null, Caller.Name), Time = _accessOptions.Time.GetUtcNow().ToString("o", System.Globalization.CultureInfo.InvariantCulture) });
        task.LastModifiedElement = new FhirDateTime(_accessOptions.Time.GetUtcNow());
        return await _engine.UpdateAsync(reviewer, "Task", taskId, task, stored.Version, ct);
    }

    private async Task<(RequestContext Request, string Unit)> UnitLeaderAsync(CancellationToken ct)
    {
        var request = await RequestAsync(ct);
        if (Caller.Kind != CallerKind.Staff || Caller.Role != StaffRoles.UnitLeader
            || request.Access?.Grantees.FirstOrDefault(g => g.StartsWith("Organization/", StringComparison.Ordinal)) is not { } unit)
        {
            throw Samjournal.Fhir.Errors.FhirOperationException.Forbidden("Emergency access reviews are for the unit leader of the unit the access was made from.");
        }

        return (request, unit);
    }

    private async Task RequirePatientAsync(string patientId, CancellationToken ct)
    {
        await using var session = await _store.ReadAsync(ct);
        if (await session.GetHeadAsync("Patient", patientId, ct) is not { Version: > 0, Deleted: false })
        {
            throw Samjournal.Fhir.Errors.FhirOperationException.NotFound($"Patient/{patientId} does not exist.");
        }
    }

    /// <summary>Who accessed the record of Patient/<paramref name="patientId"/>: audit records as
    /// AuditEvents, newest first, <paramref name="count"/> at a time from before
    /// <paramref name="beforeId"/> (the last AuditEvent id of the previous page).</summary>
    public async Task<AccessLogPage> AccessLogAsync(string patientId, long? beforeId, int count, CancellationToken ct)
    {
        var request = await RequestAsync(ct);
        await using var session = await _store.ReadAsync(ct);
        var key = await session.KeyOfAsync("Patient", patientId, ct);
        if (key is null)
        {
            throw Samjournal.Fhir.Errors.FhirOperationException.NotFound($"Patient/{patientId} does not exist.");
        }

        // The log is part of the patient's record: the patient, and those who may see the record, read it.
        session.Access = request.Access;
        if (!await session.PermitsAsync("Patient", key, ct))
        {
            await _audit.RecordDenialAsync(request.Actor, "operation", $"Patient/{patientId}/$access-log", key, "no access to this patient's record");
            throw RequestContext.NoAccess($"Patient/{patientId}", key);
        }

        var rows = await session.ReadAuditAsync(key.Value, beforeId, count + 1, ct);
        var events = rows.Take(count).Select(r => AuditEvents.From(r, patientId)).ToList();
        return new AccessLogPage(events, rows.Count > count ? rows[count - 1].Seq : null);
    }

    /// <summary>Links what is committed, then recomputes the whole hash chain.</summary>
    public async Task<AuditVerification> VerifyAuditTrailAsync(CancellationToken ct)
    {
        await _chainer.ChainAllAsync(ct);
        await using var session = await _store.SnapshotAsync(ct);
        var verdict = await session.VerifyAuditAsync(_store.Time.GetUtcNow() - _auditOptions.StaleAfter, ct);
        return new AuditVerification(
            verdict.Problem is null, verdict.Chained, verdict.Pending, verdict.ProblemPosition, verdict.Problem,
            verdict.HeadPosition, Convert.ToHexStringLower(verdict.Head));
    }
}

/// <summary>Emergency access granted: the review Task and when access ends.</summary>
public sealed record EmergencyAccessGrant(string TaskId, DateTimeOffset Until);

/// <summary>One page of a patient's access log, and the cursor of the next (older) page.</summary>
public sealed record AccessLogPage(IReadOnlyList<AuditEvent> Events, long? NextBeforeId);
