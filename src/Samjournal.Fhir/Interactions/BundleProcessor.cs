using System.Globalization;
using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Search;

namespace Samjournal.Fhir.Interactions;

/// <summary>
/// Batch and transaction processing (R4 http.html#transaction). A transaction runs in one
/// database transaction: all entries succeed and commit, or the first failure rolls back all of
/// them and the client gets that failure, naming the entry. A batch runs each entry on its own.
/// </summary>
internal sealed class BundleProcessor(FhirEngine engine, RequestContext request, string baseUrl, bool strictSearch)
{
    public async Task<Bundle> TransactionAsync(ResourceWriter writer, Bundle bundle, CancellationToken ct)
    {
        var entries = bundle.Entry.Select((e, i) => BundleEntryRequest.Parse(e, i, baseUrl)).ToList();
        RejectDuplicates(entries);

        // fullUrl -> "Type/id" for every entry whose identity is known before anything is written.
        var identities = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            await ResolveIdentityAsync(writer, entry, ct);
            if (entry.FullUrl is not null && entry.Id is not null)
            {
                identities[entry.FullUrl] = entry.Type + "/" + entry.Id;
            }
        }

        foreach (var entry in entries.Where(e => e.Resource is not null))
        {
            await ReferenceRewriter.RewriteAsync(entry, identities, (type, criteria) => ResolveConditionalReferenceAsync(writer, entry, type, criteria, ct));
        }

        // The spec's processing order: DELETE, POST, PUT/PATCH, then GET/HEAD.
        foreach (var entry in entries.OrderBy(e => e.Order).ThenBy(e => e.Index))
        {
            try
            {
                entry.Outcome = await ExecuteAsync(writer, entry, ct);
            }
            catch (FhirOperationException e)
            {
                throw e.InContext($"Entry {entry.Index} ({entry.Method} {entry.Url}) failed, so the whole transaction was rolled back: ");
            }
        }

        return Response(Bundle.BundleType.TransactionResponse, entries);
    }

    public async Task<Bundle> BatchAsync(Bundle bundle, CancellationToken ct)
    {
        var entries = new List<BundleEntryRequest>();
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            try
            {
                entries.Add(BundleEntryRequest.Parse(bundle.Entry[i], i, baseUrl));
            }
            catch (FhirOperationException e)
            {
                entries.Add(BundleEntryRequest.Failed(i, e));
            }
        }

        foreach (var entry in entries.Where(e => e.Error is null).OrderBy(e => e.Order).ThenBy(e => e.Index))
        {
            try
            {
                entry.Outcome = await engine.WriteAsync(
                    request,
                    async writer =>
                    {
                        await ResolveIdentityAsync(writer, entry, ct);
                        return await ExecuteAsync(writer, entry, ct);
                    },
                    ct);
            }
            catch (FhirOperationException e)
            {
                entry.Error = e;
                if (e is AccessDeniedException denied)
                {
                    request.BatchDenials.Enqueue(denied);
                }
            }
        }

        return Response(Bundle.BundleType.BatchResponse, entries);
    }

    /// <summary>Decides the id each entry will have, so references to it can be rewritten
    /// before anything is written. Conditional entries are resolved by searching.</summary>
    private static async Task ResolveIdentityAsync(ResourceWriter writer, BundleEntryRequest entry, CancellationToken ct)
    {
        var session = writer.Session;
        switch (entry.Method)
        {
            case Bundle.HTTPVerb.POST when entry.IfNoneExist is not null:
                var existing = await session.FindIdsAsync(entry.Type, CriteriaParser.Parse(entry.Type, entry.IfNoneExist, writer.Catalog), 2, ct);
                if (existing.Count > 1)
                {
                    throw FhirOperationException.PreconditionFailed($"Entry {entry.Index}: ifNoneExist '{entry.IfNoneExist}' matches more than one {entry.Type}.");
                }

                entry.Id = existing.Count == 1 ? existing[0] : ResourceIds.NewId();
                entry.MatchedExisting = existing.Count == 1;
                break;
            case Bundle.HTTPVerb.POST:
                entry.Id = ResourceIds.NewId();
                break;
            case Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.DELETE or Bundle.HTTPVerb.PATCH when entry.Criteria is not null:
                var matches = await session.FindIdsAsync(entry.Type, CriteriaParser.Parse(entry.Type, entry.Criteria, writer.Catalog), 2, ct);
                if (matches.Count > 1)
                {
                    throw FhirOperationException.PreconditionFailed($"Entry {entry.Index}: the criteria '{entry.Criteria}' match more than one {entry.Type}.");
                }

                entry.Id = matches.Count == 1 ? matches[0] : entry.Method == Bundle.HTTPVerb.PUT ? entry.Resource?.Id ?? ResourceIds.NewId() : null;
                break;
        }
    }

    private static async Task<string> ResolveConditionalReferenceAsync(ResourceWriter writer, BundleEntryRequest entry, string type, string criteria, CancellationToken ct)
    {
        var session = writer.Session;
        ResourceIds.RequireType(type);
        var matches = await session.FindIdsAsync(type, CriteriaParser.Parse(type, criteria, writer.Catalog), 2, ct);
        return matches.Count == 1
            ? type + "/" + matches[0]
            : throw FhirOperationException.PreconditionFailed($"Entry {entry.Index}: the conditional reference '{type}?{criteria}' matches {(matches.Count == 0 ? "nothing" : "more than one resource")}; it must match exactly one.");
    }

    private async Task<WriteOutcome?> ExecuteAsync(ResourceWriter writer, BundleEntryRequest entry, CancellationToken ct)
    {
        switch (entry.Method)
        {
            case Bundle.HTTPVerb.POST:
                var resource = entry.RequireResource();
                if (entry.MatchedExisting)
                {
                    var existing = await writer.Session.ReadAsync(entry.Type, entry.Id!, null, ct);
                    return new WriteOutcome(HttpStatusCode.OK, existing, null);
                }

                if (resource.TypeName != entry.Type)
                {
                    throw FhirOperationException.BadRequest($"The resource is a {resource.TypeName}, but the request URL names {entry.Type}.");
                }

                resource.Id = entry.Id;
                var created = await writer.PutAsync(resource, null, ct);
                return new WriteOutcome(HttpStatusCode.Created, created, resource);
            case Bundle.HTTPVerb.PUT:
                var body = entry.RequireResource();
                if (entry.Criteria is not null)
                {
                    body.Id ??= entry.Id;
                }

                return await Operations.UpdateAsync(writer, entry.Type, entry.Id!, body, entry.IfMatch, ct);
            case Bundle.HTTPVerb.DELETE:
                return entry.Id is null
                    ? new WriteOutcome(HttpStatusCode.NoContent, null, null)
                    : await Operations.DeleteAsync(writer, entry.Type, entry.Id, entry.IfMatch, ct);
            case Bundle.HTTPVerb.PATCH:
                if (entry.Id is null)
                {
                    throw FhirOperationException.NotFound($"Entry {entry.Index}: nothing matches the PATCH criteria.");
                }

                return await Operations.PatchAsync(writer, entry.Type, entry.Id, entry.PatchDocument(), entry.IfMatch, ct);
            case Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD when entry.IsSearch:
                // The same parsing and searchset as the REST search. Entries carry no Prefer header in
                // R4, so the Bundle request's handling (lenient by default) applies to every entry.
                var parameters = SearchParameters.FromQueryString(entry.Criteria);
                var search = SearchParameters.Parse(entry.Type, parameters, strictSearch, compartment: null, writer.Catalog);
                var result = await FhirEngine.SearchAsync(writer.Session, search.Request, afterFirstStatement: null, ct);
                writer.AuditRead("search-type", $"{entry.Type}?{entry.Criteria}", result.Page.Matches.Concat(result.Included));
                var searchset = Searchset.Build(baseUrl.TrimEnd('/'), entry.Type, parameters, search, result);
                return new WriteOutcome(HttpStatusCode.OK, null, entry.Method == Bundle.HTTPVerb.GET ? searchset : null);
            case Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD:
                // Type and id were checked when the entry was parsed.
                var read = await writer.Session.ReadAsync(entry.Type, entry.Id!, entry.Version, ct);
                if (read is null)
                {
                    throw FhirOperationException.NotFound($"{entry.Type}/{entry.Id} does not exist.");
                }

                await FhirEngine.RequirePermittedAsync(writer.Session, read, ct);
                if (read.IsDeleted)
                {
                    throw FhirOperationException.Gone($"{entry.Type}/{entry.Id} is deleted.");
                }

                writer.AuditRead(entry.Version is null ? "read" : "vread", entry.Version is null ? $"{entry.Type}/{entry.Id}" : $"{entry.Type}/{entry.Id}/_history/{entry.Version}", [read]);
                return new WriteOutcome(HttpStatusCode.OK, read, entry.Method == Bundle.HTTPVerb.GET ? FhirEngine.ParseStored(read) : null);
            default:
                throw FhirOperationException.BadRequest($"Entry {entry.Index}: method {entry.Method} is not supported in bundles.");
        }
    }

    private static void RejectDuplicates(List<BundleEntryRequest> entries)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.Method is not (Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD or Bundle.HTTPVerb.POST) && e.Id is not null))
        {
            if (!seen.Add(entry.Type + "/" + entry.Id))
            {
                throw FhirOperationException.BadRequest($"Entry {entry.Index}: {entry.Type}/{entry.Id} is changed by more than one entry of the transaction.");
            }
        }

        var fullUrls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.FullUrl is not null))
        {
            if (!fullUrls.Add(entry.FullUrl!))
            {
                throw FhirOperationException.BadRequest($"Entry {entry.Index}: fullUrl '{entry.FullUrl}' is used by more than one entry.");
            }
        }
    }

    private static Bundle Response(Bundle.BundleType type, List<BundleEntryRequest> entries)
    {
        var response = new Bundle { Type = type, Id = ResourceIds.NewId() };
        foreach (var entry in entries.OrderBy(e => e.Index))
        {
            response.Entry.Add(entry.ToResponseEntry());
        }

        return response;
    }

    internal static string Status(HttpStatusCode code) =>
        ((int)code).ToString(CultureInfo.InvariantCulture) + " " + code switch
        {
            HttpStatusCode.OK => "OK",
            HttpStatusCode.Created => "Created",
            HttpStatusCode.NoContent => "No Content",
            _ => code.ToString(),
        };
}
