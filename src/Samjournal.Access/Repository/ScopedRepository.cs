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
    private readonly RequestContext _request;

    internal ScopedRepository(FhirEngine engine, SqlStore store, AuditTrail audit, AuditChainer chainer, AuditOptions auditOptions, Caller caller)
    {
        _engine = engine;
        _store = store;
        _audit = audit;
        _chainer = chainer;
        _auditOptions = auditOptions;
        Caller = caller;
        _request = new RequestContext(AuditTrail.ActorOf(caller, Basis));
    }

    public Caller Caller { get; }

    /// <summary>The legal basis this caller's access rests on, as audit records name it.</summary>
    private string Basis => Caller.Kind switch
    {
        CallerKind.System => "system",
        CallerKind.Citizen => "own-access",
        _ => "care-relationship",
    };

    public async Task<StoredVersion> ReadAsync(string type, string id, CancellationToken ct)
    {
        var stored = await _engine.ReadAsync(type, id, ct);
        await _audit.RecordDisclosureAsync(_request.Actor, "read", $"{type}/{id}", [stored]);
        return stored;
    }

    public async Task<StoredVersion> VReadAsync(string type, string id, int version, CancellationToken ct)
    {
        var stored = await _engine.VReadAsync(type, id, version, ct);
        await _audit.RecordDisclosureAsync(_request.Actor, "vread", $"{type}/{id}/_history/{version}", [stored]);
        return stored;
    }

    public async Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct)
    {
        var page = await _engine.HistoryAsync(query, ct);
        var interaction = query.Type is null ? "history-system" : query.Id is null ? "history-type" : "history-instance";
        var what = query.Type is null ? "_history" : query.Id is null ? $"{query.Type}/_history" : $"{query.Type}/{query.Id}/_history";
        await _audit.RecordDisclosureAsync(_request.Actor, interaction, what, page.Versions);
        return page;
    }

    public async Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken ct)
    {
        var result = await _engine.SearchAsync(request, ct);
        await _audit.RecordDisclosureAsync(_request.Actor, "search-type", request.Query ?? request.Type, result.Page.Matches.Concat(result.Included));
        return result;
    }

    public async Task<EverythingPage> EverythingAsync(EverythingRequest request, CancellationToken ct)
    {
        var page = await _engine.EverythingAsync(request, ct);
        await _audit.RecordDisclosureAsync(_request.Actor, "operation", $"Patient/{request.PatientId}/$everything", page.Entries.Select(e => e.Resource));
        return page;
    }

    public Task<WriteOutcome> CreateAsync(Resource resource, string? ifNoneExist, CancellationToken ct) => _engine.CreateAsync(_request, resource, ifNoneExist, ct);

    public Task<WriteOutcome> UpdateAsync(string type, string id, Resource resource, int? ifMatch, CancellationToken ct) =>
        _engine.UpdateAsync(_request, type, id, resource, ifMatch, ct);

    public Task<WriteOutcome> ConditionalUpdateAsync(string type, string criteria, Resource resource, int? ifMatch, CancellationToken ct) =>
        _engine.ConditionalUpdateAsync(_request, type, criteria, resource, ifMatch, ct);

    public Task<WriteOutcome> DeleteAsync(string type, string id, int? ifMatch, CancellationToken ct) => _engine.DeleteAsync(_request, type, id, ifMatch, ct);

    public Task<WriteOutcome> ConditionalDeleteAsync(string type, string criteria, CancellationToken ct) => _engine.ConditionalDeleteAsync(_request, type, criteria, ct);

    public Task<WriteOutcome> PatchAsync(string type, string id, PatchDocument patch, int? ifMatch, CancellationToken ct) =>
        _engine.PatchAsync(_request, type, id, patch, ifMatch, ct);

    /// <summary>The store's search parameters: built-in and custom. Parse search criteria with it,
    /// so custom parameters are known and those still being indexed are reported as such.</summary>
    public Samjournal.Fhir.Indexing.SearchParameterCatalog SearchParameters => _engine.SearchParameters;

    /// <summary>The progress of the newest reindex job of custom SearchParameter/<paramref name="id"/>.</summary>
    public Task<Samjournal.Fhir.Reindexing.ReindexJob> ReindexStatusAsync(string id, CancellationToken ct) => _engine.ReindexStatusAsync(id, ct);

    public Task<Bundle> ProcessBundleAsync(Bundle bundle, string baseUrl, bool strictSearch, CancellationToken ct) =>
        _engine.ProcessBundleAsync(_request, bundle, baseUrl, strictSearch, ct);

    /// <summary>Who accessed the record of Patient/<paramref name="patientId"/>: audit records as
    /// AuditEvents, newest first, <paramref name="count"/> at a time from before
    /// <paramref name="beforeId"/> (the last AuditEvent id of the previous page).</summary>
    public async Task<AccessLogPage> AccessLogAsync(string patientId, long? beforeId, int count, CancellationToken ct)
    {
        await using var session = await _store.ReadAsync(ct);
        var key = await session.KeyOfAsync("Patient", patientId, ct);
        if (key is null)
        {
            throw Samjournal.Fhir.Errors.FhirOperationException.NotFound($"Patient/{patientId} does not exist.");
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

/// <summary>One page of a patient's access log, and the cursor of the next (older) page.</summary>
public sealed record AccessLogPage(IReadOnlyList<AuditEvent> Events, long? NextBeforeId);
