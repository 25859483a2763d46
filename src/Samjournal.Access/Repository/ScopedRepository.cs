using Hl7.Fhir.Model;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Storage;

namespace Samjournal.Access.Repository;

/// <summary>
/// The one door to patient data: made per request for one <see cref="Caller"/>. Everything the
/// host, the web app, imports and workflows read or write goes through here; the store and the
/// engine behind it are internal to the Fhir/Access pair.
/// </summary>
public sealed class ScopedRepository
{
    private readonly FhirEngine _engine;

    internal ScopedRepository(FhirEngine engine, Caller caller)
    {
        _engine = engine;
        Caller = caller;
    }

    public Caller Caller { get; }

    public Task<StoredVersion> ReadAsync(string type, string id, CancellationToken ct) => _engine.ReadAsync(type, id, ct);

    public Task<StoredVersion> VReadAsync(string type, string id, int version, CancellationToken ct) => _engine.VReadAsync(type, id, version, ct);

    public Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct) => _engine.HistoryAsync(query, ct);

    public Task<Samjournal.Fhir.Search.SearchResult> SearchAsync(Samjournal.Fhir.Search.SearchRequest request, CancellationToken ct) =>
        _engine.SearchAsync(request, ct);

    public Task<Samjournal.Fhir.Search.EverythingPage> EverythingAsync(Samjournal.Fhir.Search.EverythingRequest request, CancellationToken ct) =>
        _engine.EverythingAsync(request, ct);

    public Task<WriteOutcome> CreateAsync(Resource resource, string? ifNoneExist, CancellationToken ct) => _engine.CreateAsync(resource, ifNoneExist, ct);

    public Task<WriteOutcome> UpdateAsync(string type, string id, Resource resource, int? ifMatch, CancellationToken ct) =>
        _engine.UpdateAsync(type, id, resource, ifMatch, ct);

    public Task<WriteOutcome> ConditionalUpdateAsync(string type, string criteria, Resource resource, int? ifMatch, CancellationToken ct) =>
        _engine.ConditionalUpdateAsync(type, criteria, resource, ifMatch, ct);

    public Task<WriteOutcome> DeleteAsync(string type, string id, int? ifMatch, CancellationToken ct) => _engine.DeleteAsync(type, id, ifMatch, ct);

    public Task<WriteOutcome> ConditionalDeleteAsync(string type, string criteria, CancellationToken ct) => _engine.ConditionalDeleteAsync(type, criteria, ct);

    public Task<WriteOutcome> PatchAsync(string type, string id, PatchDocument patch, int? ifMatch, CancellationToken ct) =>
        _engine.PatchAsync(type, id, patch, ifMatch, ct);

    /// <summary>The store's search parameters: built-in and custom. Parse search criteria with it,
    /// so custom parameters are known and those still being indexed are reported as such.</summary>
    public Samjournal.Fhir.Indexing.SearchParameterCatalog SearchParameters => _engine.SearchParameters;

    /// <summary>The progress of the newest reindex job of custom SearchParameter/<paramref name="id"/>.</summary>
    public Task<Samjournal.Fhir.Reindexing.ReindexJob> ReindexStatusAsync(string id, CancellationToken ct) => _engine.ReindexStatusAsync(id, ct);

    public Task<Bundle> ProcessBundleAsync(Bundle bundle, string baseUrl, bool strictSearch, CancellationToken ct) =>
        _engine.ProcessBundleAsync(bundle, baseUrl, strictSearch, ct);
}
