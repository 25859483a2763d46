using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;
using Npgsql;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Search;
using Samjournal.Fhir.Serialization;
using Samjournal.Fhir.Storage;

namespace Samjournal.Fhir.Interactions;

/// <summary>
/// The FHIR interactions over the versioned store. Constructed only inside the Fhir/Access pair:
/// callers outside reach it through Samjournal.Access's scoped repository.
/// </summary>
internal sealed partial class FhirEngine
{
    private readonly SqlStore _store;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<IWriteHook> _hooks;
    private readonly ILogger _logger;
    private readonly Reindexing.SearchParameterRegistry _registry;

    private readonly Policy.ICareRelationRules? _relations;

    internal FhirEngine(SqlStore store, TimeProvider time, IEnumerable<IWriteHook> hooks, ILogger<FhirEngine> logger, Policy.ICareRelationRules? relations = null)
    {
        _relations = relations;
        _store = store;
        _time = time;
        _hooks = hooks.ToList();
        _logger = logger;
        _registry = new Reindexing.SearchParameterRegistry(store, time);
    }

    public async Task<StoredVersion> ReadAsync(RequestContext? request, string type, string id, CancellationToken ct)
    {
        ResourceIds.RequireType(type);
        ResourceIds.RequireId(id);
        await using var session = await _store.ReadAsync(ct);
        session.Access = request?.Access;
        var stored = await session.ReadAsync(type, id, null, ct) ?? throw FhirOperationException.NotFound($"{type}/{id} does not exist.");
        await RequirePermittedAsync(session, stored, ct);
        return stored.IsDeleted ? throw FhirOperationException.Gone($"{type}/{id} was deleted (version {stored.Version}); its history is still readable.") : stored;
    }

    /// <summary>A version the caller may not see is refused, not hidden: the caller learns to ask
    /// for emergency access, and the refusal is audited as one.</summary>
    internal static async Task RequirePermittedAsync(StoreSession session, StoredVersion stored, CancellationToken ct)
    {
        if (!await session.PermitsAsync(stored, ct))
        {
            throw RequestContext.NoAccess($"{stored.Type}/{stored.Id}", stored.CompartmentKey);
        }
    }

    public async Task<StoredVersion> VReadAsync(RequestContext? request, string type, string id, int version, CancellationToken ct)
    {
        ResourceIds.RequireType(type);
        ResourceIds.RequireId(id);
        await using var session = await _store.ReadAsync(ct);
        session.Access = request?.Access;
        var stored = await session.ReadAsync(type, id, version, ct) ?? throw FhirOperationException.NotFound($"{type}/{id} has no version {version}.");
        await RequirePermittedAsync(session, stored, ct);
        return stored.IsDeleted ? throw FhirOperationException.Gone($"Version {version} of {type}/{id} is its deletion.") : stored;
    }

    public async Task<HistoryPage> HistoryAsync(RequestContext? request, HistoryQuery query, CancellationToken ct)
    {
        if (query.Type is not null)
        {
            ResourceIds.RequireType(query.Type);
        }

        await using var session = await _store.ReadAsync(ct);
        session.Access = request?.Access;
        return await session.HistoryAsync(query, ct);
    }

    /// <summary>Test seam: runs after a search's first statement, before its includes and total,
    /// so a test can write in between and see that the search still answers from one snapshot.</summary>
    internal Func<CancellationToken, Task>? AfterFirstSearchStatement { get; set; }

    /// <summary>A search with its includes and total, all read from one snapshot: a concurrent
    /// write cannot make the page, the includes and the total disagree.</summary>
    public async Task<SearchResult> SearchAsync(RequestContext? context, SearchRequest request, CancellationToken ct)
    {
        ResourceIds.RequireType(request.Type);
        // A search that is a single statement reads one snapshot by itself on both databases; it
        // skips the transaction's extra round trips (SET TRANSACTION READ ONLY, COMMIT) on PostgreSQL.
        await using var session = IsOneStatement(request) ? await _store.ReadAsync(ct) : await _store.SnapshotAsync(ct);
        session.Access = context?.Access;
        return await SearchAsync(session, request, AfterFirstSearchStatement, ct);
    }

    /// <summary>Only the page query runs: no includes, no total, no stored ValueSets to read first.</summary>
    private static bool IsOneStatement(SearchRequest request) =>
        request.WithMatches && request.Includes.Count == 0 && request.Total == TotalMode.None && !StoreSession.NeedsValueSets(request.Clauses);

    /// <summary>A search on a session that is already open: a search entry of a transaction sees
    /// what the transaction's earlier entries wrote.</summary>
    internal static async Task<SearchResult> SearchAsync(StoreSession session, SearchRequest request, Func<CancellationToken, Task>? afterFirstStatement, CancellationToken ct)
    {
        var page = request.WithMatches
            ? await session.SearchAsync(request.Type, request.Clauses, request.Sort, request.Count, request.Cursor, ct)
            : new SearchPage([], null, null);
        if (afterFirstStatement is { } between)
        {
            await between(ct);
        }

        var includes = new SearchIncludes(session, request);
        await includes.RunAsync(page.Matches, ct);

        // When the first page holds every match, its size is the total: exact and free.
        var wholeResult = request.WithMatches && request.Cursor is null && page.Next is null;
        long? total = request.Total switch
        {
            TotalMode.None => null,
            _ when wholeResult => page.Matches.Count,
            TotalMode.Accurate => await session.CountAsync(request.Type, request.Clauses, ct),
            _ => await session.EstimateCountAsync(request.Type, request.Clauses, ct),
        };
        return new SearchResult(page, includes.Included, includes.Truncated, total);
    }

    public Task<WriteOutcome> CreateAsync(RequestContext request, Resource resource, string? ifNoneExist, CancellationToken ct) =>
        WriteAsync(request, w => Operations.CreateAsync(w, resource, ifNoneExist, ct), ct);

    public Task<WriteOutcome> UpdateAsync(RequestContext request, string type, string id, Resource resource, int? ifMatch, CancellationToken ct) =>
        WriteAsync(request, w => Operations.UpdateAsync(w, type, id, resource, ifMatch, ct), ct);

    public Task<WriteOutcome> ConditionalUpdateAsync(RequestContext request, string type, string criteria, Resource resource, int? ifMatch, CancellationToken ct) =>
        WriteAsync(request, w => Operations.ConditionalUpdateAsync(w, type, criteria, resource, ifMatch, ct), ct);

    public Task<WriteOutcome> DeleteAsync(RequestContext request, string type, string id, int? ifMatch, CancellationToken ct) =>
        WriteAsync(request, w => Operations.DeleteAsync(w, type, id, ifMatch, ct), ct);

    public Task<WriteOutcome> ConditionalDeleteAsync(RequestContext request, string type, string criteria, CancellationToken ct) =>
        WriteAsync(request, w => Operations.ConditionalDeleteAsync(w, type, criteria, ct), ct);

    public Task<WriteOutcome> PatchAsync(RequestContext request, string type, string id, PatchDocument patch, int? ifMatch, CancellationToken ct) =>
        WriteAsync(request, w => Operations.PatchAsync(w, type, id, patch, ifMatch, ct), ct);

    /// <summary>Processes a batch or transaction Bundle; <paramref name="baseUrl"/> is this
    /// server's FHIR base, so absolute request URLs and fullUrls on it are understood.
    /// <paramref name="strictSearch"/>: the request said <c>Prefer: handling=strict</c>, so search
    /// entries refuse parameters they cannot answer instead of ignoring them.</summary>
    public async Task<Bundle> ProcessBundleAsync(RequestContext request, Bundle bundle, string baseUrl, bool strictSearch, CancellationToken ct)
    {
        var processor = new BundleProcessor(this, request, baseUrl, strictSearch);
        return bundle.Type switch
        {
            Bundle.BundleType.Transaction => await WriteAsync(request, w => processor.TransactionAsync(w, bundle, ct), ct),
            Bundle.BundleType.Batch => await processor.BatchAsync(bundle, ct),
            _ => throw FhirOperationException.BadRequest($"Only batch and transaction Bundles can be posted to the base; this one is '{bundle.Type?.ToString() ?? "untyped"}'.", "Bundle.type"),
        };
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction and commits it; any
    /// exception rolls everything back.</summary>
    internal async Task<T> WriteAsync<T>(RequestContext? request, Func<ResourceWriter, Task<T>> work, CancellationToken ct)
    {
        var (catalog, generation) = _registry.EnterWrite();
        try
        {
            T result;
            bool searchParametersChanged;
            await using (var session = await _store.WriteAsync(ct))
            {
                session.Access = request?.Access;
                var writer = new ResourceWriter(session, _time, _hooks, _logger) { Catalog = catalog, Registry = _registry, Request = request, Relations = _relations };
                result = await work(writer);
                await session.CommitAsync(ct);
                searchParametersChanged = writer.SearchParametersChanged;
            }

            if (searchParametersChanged)
            {
                await SearchParametersChangedAsync(ct);
            }

            return result;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.UniqueViolation)
        {
            // Two writers raced for the same resources; the database chose this one to yield.
            // Nothing was written; the client may simply retry.
            throw FhirOperationException.Conflict("Another request changed the same resources at the same time; nothing was written. Retry the request.");
        }
        finally
        {
            _registry.ExitWrite(generation);
        }
    }

    internal static Resource ParseStored(StoredVersion version) =>
        FhirFormat.Parse(version.Json ?? throw new InvalidOperationException("A tombstone has no body."), FhirMediaType.Json);
}
