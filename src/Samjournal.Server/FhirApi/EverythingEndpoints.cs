using System.Globalization;
using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Fhir.Indexing;
using Samjournal.Fhir.Search;
using Samjournal.Fhir.Serialization;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.FhirApi;

/// <summary>
/// <c>Patient/{id}/$everything</c> (patient-operation-everything.html), GET with query parameters
/// or POST with a Parameters body: a searchset of the patient, its compartment (mode match) and the
/// resources outside any patient's compartment that the record refers to (mode include). Paged by
/// key with <c>_count</c> and a next link. <c>start</c>/<c>end</c> (care dates) are not answered
/// yet: refused under <c>Prefer: handling=strict</c>, otherwise named in an OperationOutcome entry.
/// </summary>
internal static class EverythingEndpoints
{
    public const string Definition = "http://hl7.org/fhir/OperationDefinition/Patient-everything";

    private static readonly HashSet<string> Handled = new(StringComparer.Ordinal) { "_since", "_type", "_count", "_page", "_format", "_pretty" };

    public static void MapPatientEverything(this IEndpointRouteBuilder fhir)
    {
        fhir.MapGet("/Patient/{id}/$everything", (HttpContext http, ScopedRepository repo, string id) =>
            EverythingAsync(http, repo, id, QueryOf(http.Request))).WithName("patient-everything");
        fhir.MapPost("/Patient/{id}/$everything", PostAsync).WithName("patient-everything-post");

        // Over all patients at once this would be a bulk export; refused until it is paged as one.
        fhir.MapGet("/Patient/$everything", RefuseTypeLevel).WithName("patient-everything-type");
        fhir.MapPost("/Patient/$everything", RefuseTypeLevel).WithName("patient-everything-type-post");
    }

    private static Task RefuseTypeLevel() =>
        throw FhirError.BadRequest("$everything over all patients is not supported: name one patient, as in Patient/{id}/$everything.");

    private static List<KeyValuePair<string, string>> QueryOf(HttpRequest request) =>
        request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))).ToList();

    private static async Task PostAsync(HttpContext http, ScopedRepository repo, string id)
    {
        var parameters = QueryOf(http.Request);
        var body = await FhirHttp.ReadBodyAsync(http.Request, http.RequestAborted);
        if (body.Length > 0)
        {
            var resource = FhirFormat.Parse(body, FhirHttp.RequestFormat(http.Request));
            if (resource is not Parameters given)
            {
                throw FhirError.BadRequest($"$everything takes a Parameters body; this is a {resource.TypeName}.", "Resource.resourceType");
            }

            foreach (var parameter in given.Parameter)
            {
                var text = parameter.Value is PrimitiveType { JsonValue: not null } primitive
                    ? primitive.ToString()
                    : throw FhirError.BadRequest($"Parameter '{parameter.Name}' of $everything needs a simple value (valueInstant, valueCode, valueInteger...).");
                parameters.Add(KeyValuePair.Create(parameter.Name ?? "", text ?? ""));
            }
        }

        await EverythingAsync(http, repo, id, parameters);
    }

    private static async Task EverythingAsync(HttpContext http, ScopedRepository repo, string id, List<KeyValuePair<string, string>> parameters)
    {
        var strict = FhirHttp.PrefersStrictHandling(http.Request);
        var ignored = new List<string>();
        foreach (var name in parameters.Select(p => p.Key).Where(n => !Handled.Contains(n)).Distinct(StringComparer.Ordinal))
        {
            var reason = name is "start" or "end"
                ? $"'{name}' (care dates) is not supported by $everything yet; the whole record is returned."
                : $"'{name}' is not a parameter of $everything here; _since, _type and _count are.";
            if (strict)
            {
                throw FhirError.BadRequest(reason);
            }

            ignored.Add(reason);
        }

        var count = Whole(parameters, "_count") ?? SearchParameters.DefaultCount;
        if (count is < 1 or > SearchParameters.MaxCount)
        {
            throw FhirError.BadRequest($"_count must be between 1 and {SearchParameters.MaxCount}.");
        }

        var types = parameters.Where(p => p.Key == "_type").SelectMany(p => p.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        var request = new EverythingRequest(id, Since(parameters), types.Count == 0 ? null : types, (int)count, Whole(parameters, "_page"));
        var page = await repo.EverythingAsync(request, http.RequestAborted);
        if (FhirHttp.ResponseFormat(http.Request) == FhirMediaType.Json && !http.Request.Query.ContainsKey("_summary") && !http.Request.Query.ContainsKey("_elements"))
        {
            // The stored bodies go in as they are: parsing and re-serialising each entry cost more than the query.
            var envelope = FhirFormat.ToJsonBytes(ToBundle(http.Request, id, parameters, page, ignored, withResources: false));
            http.Response.ContentType = FhirHttp.JsonType + "; charset=utf-8";
            await http.Response.Body.WriteAsync(RawEntries.Splice(envelope, page.Entries.Select(e => e.Resource.Json!).ToList()), http.RequestAborted);
            return;
        }

        await FhirHttp.WriteResourceAsync(http, ToBundle(http.Request, id, parameters, page, ignored, withResources: true));
    }

    private static DateTimeOffset? Since(List<KeyValuePair<string, string>> parameters)
    {
        var text = parameters.LastOrDefault(p => p.Key == "_since").Value;
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return FhirDateRange.TryParse(text, out var start, out _)
            ? start
            : throw FhirError.BadRequest($"_since '{text}' is not an instant such as 2024-05-01T12:00:00Z.");
    }

    private static long? Whole(List<KeyValuePair<string, string>> parameters, string name)
    {
        var text = parameters.LastOrDefault(p => p.Key == name).Value;
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw FhirError.BadRequest($"{name} '{text}' is not a whole number.");
    }

    private static Bundle ToBundle(HttpRequest request, string id, List<KeyValuePair<string, string>> parameters, EverythingPage page, List<string> ignored, bool withResources)
    {
        var baseUrl = FhirHttp.BaseUrl(request);
        string Link(IEnumerable<KeyValuePair<string, string>> ps) =>
            $"{baseUrl}/Patient/{id}/$everything?{string.Join('&', ps.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"))}";

        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Id = Guid.CreateVersion7().ToString() };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = Link(parameters) });
        if (page.NextCursor is { } next)
        {
            // A POSTed body is carried over as query parameters, so the next page is a plain GET.
            var kept = parameters.Where(p => p.Key != "_page").Append(KeyValuePair.Create("_page", next.ToString(CultureInfo.InvariantCulture)));
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = Link(kept) });
        }

        bundle.Entry.AddRange(page.Entries.Select(e => new Bundle.EntryComponent
        {
            FullUrl = $"{baseUrl}/{e.Resource.Type}/{e.Resource.Id}",
            Resource = withResources ? FhirFormat.Parse(e.Resource.Json!, FhirMediaType.Json) : null,
            Search = new Bundle.SearchComponent { Mode = e.InCompartment ? Bundle.SearchEntryMode.Match : Bundle.SearchEntryMode.Include },
        }));

        if (ignored.Count > 0)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                Resource = new OperationOutcome
                {
                    Issue = ignored.Select(reason => new OperationOutcome.IssueComponent
                    {
                        Severity = OperationOutcome.IssueSeverity.Warning,
                        Code = OperationOutcome.IssueType.NotSupported,
                        Diagnostics = reason + " It was ignored.",
                    }).ToList(),
                },
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
            });
        }

        return bundle;
    }
}
