using System.Globalization;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;

namespace Samjournal.Fhir.Interactions;

/// <summary>One entry of a batch or transaction: its parsed request, and later its outcome.</summary>
internal sealed class BundleEntryRequest
{
    private BundleEntryRequest(int index) => Index = index;

    public int Index { get; }

    public Bundle.HTTPVerb Method { get; private init; }

    public string Url { get; private init; } = "";

    public string Type { get; private init; } = "";

    public string? Id { get; set; }

    public int? Version { get; private init; }

    public string? Criteria { get; private init; }

    public string? IfNoneExist { get; private init; }

    public int? IfMatch { get; private init; }

    public string? FullUrl { get; private init; }

    public Resource? Resource { get; private init; }

    public bool MatchedExisting { get; set; }

    /// <summary>A type-level search (<c>GET Type?criteria</c>); <see cref="Criteria"/> holds the query.</summary>
    public bool IsSearch => Method is Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD && Id is null;

    public WriteOutcome? Outcome { get; set; }

    public FhirOperationException? Error { get; set; }

    /// <summary>The spec's processing order: DELETE, POST, PUT/PATCH, GET/HEAD.</summary>
    public int Order => Method switch
    {
        Bundle.HTTPVerb.DELETE => 0,
        Bundle.HTTPVerb.POST => 1,
        Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.PATCH => 2,
        _ => 3,
    };

    public static BundleEntryRequest Failed(int index, FhirOperationException error) => new(index) { Error = error };

    public static BundleEntryRequest Parse(Bundle.EntryComponent entry, int index, string baseUrl)
    {
        var request = entry.Request ?? throw Bad(index, "has no request; every batch or transaction entry needs request.method and request.url.");
        var method = request.Method ?? throw Bad(index, "has no request.method.");
        var url = request.Url ?? throw Bad(index, "has no request.url.");
        var relative = url;
        if (url.Contains("://", StringComparison.Ordinal))
        {
            var root = baseUrl.TrimEnd('/') + "/";
            relative = url.StartsWith(root, StringComparison.Ordinal)
                ? url[root.Length..]
                : throw Bad(index, $"request.url '{ResourceIds.Truncate(url)}' points to another server.");
        }

        var question = relative.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? relative : relative[..question];
        var query = question < 0 ? null : relative[(question + 1)..];
        var segments = path.Trim('/').Split('/');
        var type = segments[0];
        if (!ResourceIds.IsKnownType(type))
        {
            throw Bad(index, $"request.url names '{ResourceIds.Truncate(type)}', which is not a FHIR R4 resource type.");
        }

        string? id = null;
        int? version = null;
        switch (segments.Length)
        {
            case 1:
                break;
            case 2:
                id = segments[1];
                break;
            case 4 when segments[2] == "_history" && method is Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD:
                id = segments[1];
                version = int.TryParse(segments[3], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw Bad(index, $"'{segments[3]}' is not a version number.");
                break;
            default:
                throw Bad(index, $"request.url '{ResourceIds.Truncate(url)}' is not an interaction Samjournal supports in bundles.");
        }

        if (id is not null)
        {
            ResourceIds.RequireId(id);
        }

        var shapeOk = method switch
        {
            Bundle.HTTPVerb.POST => id is null && query is null,
            Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.DELETE or Bundle.HTTPVerb.PATCH => (id is null) != (query is null),
            // GET Type/id is a read; GET Type?... a search (answered with a searchset).
            _ => id is null || query is null,
        };
        if (!shapeOk)
        {
            throw Bad(index, method is Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD
                ? $"{method} '{ResourceIds.Truncate(url)}': bundles support read, vread and search (Type/id, Type/id/_history/n, Type?criteria)."
                : $"{method} '{ResourceIds.Truncate(url)}' has the wrong shape: POST takes Type, PUT/PATCH/DELETE take Type/id or Type?criteria.");
        }

        if (method is Bundle.HTTPVerb.POST or Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.PATCH && entry.Resource is null)
        {
            throw Bad(index, $"{method} needs a resource in the entry.");
        }

        return new BundleEntryRequest(index)
        {
            Method = method,
            Url = url,
            Type = type,
            Id = id,
            Version = version,
            Criteria = query,
            IfNoneExist = string.IsNullOrEmpty(request.IfNoneExist) ? null : request.IfNoneExist.TrimStart('?'),
            IfMatch = string.IsNullOrEmpty(request.IfMatch) ? null : ResourceIds.ParseVersionTag(request.IfMatch),
            FullUrl = string.IsNullOrEmpty(entry.FullUrl) ? null : entry.FullUrl,
            Resource = entry.Resource,
        };
    }

    public Resource RequireResource() => Resource ?? throw Bad(Index, $"{Method} needs a resource in the entry.");

    public PatchDocument PatchDocument() => Resource switch
    {
        Parameters parameters => new FhirPathPatchDocument(parameters),
        Binary { ContentType: "application/json-patch+json" } binary => new JsonPatchDocument(
            JsonNode.Parse(binary.Data ?? []) ?? throw Bad(Index, "the JSON Patch in the Binary is empty.")),
        _ => throw Bad(Index, "a PATCH entry carries a Parameters resource (FHIRPath Patch) or a Binary with contentType application/json-patch+json."),
    };

    public Bundle.EntryComponent ToResponseEntry()
    {
        var response = new Bundle.EntryComponent { Response = new Bundle.ResponseComponent() };
        if (Error is not null)
        {
            response.Response.Status = BundleProcessor.Status(Error.Status);
            response.Response.Outcome = Error.ToOutcome();
            return response;
        }

        var outcome = Outcome!;
        response.Response.Status = BundleProcessor.Status(outcome.Status);
        if (outcome.Version is { } version)
        {
            var location = $"{version.Type}/{version.Id}/_history/{version.Version.ToString(CultureInfo.InvariantCulture)}";
            response.FullUrl = $"{version.Type}/{version.Id}";
            response.Response.Location = location;
            response.Response.Etag = $"W/\"{version.Version.ToString(CultureInfo.InvariantCulture)}\"";
            response.Response.LastModified = version.LastUpdated;
        }

        if (Method is Bundle.HTTPVerb.GET)
        {
            response.Resource = outcome.Resource;
        }

        return response;
    }

    private static FhirOperationException Bad(int index, string message) => FhirOperationException.BadRequest($"Entry {index} {message}");
}
