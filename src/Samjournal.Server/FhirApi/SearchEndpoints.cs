using System.Globalization;
using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Fhir.Indexing;
using Samjournal.Fhir.Search;
using Samjournal.Fhir.Serialization;
using Samjournal.Fhir.Storage;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.FhirApi;

/// <summary>
/// Type-level search (GET [type]?... and POST [type]/_search) over the parameters the store can
/// answer today: token, string, reference, uri, date, number and quantity, and _id; chains up to four
/// links, _has, :in/:not-in against stored ValueSets, and _list. Paging is keyset on the internal
/// key, so next links stay right while data changes. What is not supported yet is refused under
/// <c>Prefer: handling=strict</c> and otherwise named in an OperationOutcome entry.
/// </summary>
internal static class SearchEndpoints
{
    public const int DefaultCount = 50;
    public const int MaxCount = 1000;

    // Result parameters this endpoint honours; _summary, _elements and _format shape the entries.
    private static readonly HashSet<string> Handled = new(StringComparer.Ordinal) { "_count", "_page", "_format", "_pretty", "_summary", "_elements", "_total", "_include", "_revinclude" };

    // Included resources per page; more is said in an OperationOutcome entry, never dropped silently.
    public const int IncludeLimit = 1000;

    public static Task Get(HttpContext http, ScopedRepository repo, string type) =>
        SearchAsync(http, repo, type, QueryOf(http.Request), compartment: null);

    /// <summary>Patient compartment search: <c>Patient/{id}/{type}?...</c>, the resources of that type
    /// filed under the patient (the compartment key written with each resource).</summary>
    public static Task GetInPatientCompartment(HttpContext http, ScopedRepository repo, string id, string type)
    {
        Samjournal.Fhir.Interactions.ResourceIds.RequireId(id);
        if (!Samjournal.Fhir.Indexing.PatientCompartmentDefinition.ParamsByType.ContainsKey(type) && type != "Patient")
        {
            throw FhirError.BadRequest($"{type} is not in the Patient compartment.");
        }

        return SearchAsync(http, repo, type, QueryOf(http.Request), compartment: id);
    }

    private static List<KeyValuePair<string, string>> QueryOf(HttpRequest request) =>
        request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))).ToList();

    public static async Task Post(HttpContext http, ScopedRepository repo, string type)
    {
        if (!http.Request.HasFormContentType)
        {
            throw new FhirError(System.Net.HttpStatusCode.UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, "POST _search takes the parameters as application/x-www-form-urlencoded.");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var parameters = http.Request.Query.Concat(form).SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))).ToList();
        await SearchAsync(http, repo, type, parameters, compartment: null);
    }

    private static async Task SearchAsync(HttpContext http, ScopedRepository repo, string type, List<KeyValuePair<string, string>> parameters, string? compartment)
    {
        var strict = http.Request.Headers["Prefer"].ToString().Contains("handling=strict", StringComparison.OrdinalIgnoreCase);
        var ignored = new List<string>();
        var criteria = parameters.Where(p => !Handled.Contains(p.Key)).ToList();
        var clauses = CriteriaParser.ParseSearch(type, criteria, strict, ignored).ToList();
        if (compartment is not null)
        {
            clauses.Add(new SearchClause("_compartment", ClauseKind.PatientCompartment, null, [compartment]));
        }

        var count = Number(parameters, "_count") ?? DefaultCount;
        if (count is < 1 or > MaxCount)
        {
            throw FhirError.BadRequest($"_count must be between 1 and {MaxCount}.");
        }

        // The total costs a second query over every match, so it is counted only when asked for
        // (_total=accurate or _summary=count); the default (none) keeps large searches cheap.
        var totalMode = parameters.LastOrDefault(p => p.Key == "_total").Value ?? "none";
        var countOnly = parameters.Any(p => p.Key == "_summary" && p.Value == "count");
        if (totalMode is not ("none" or "estimate" or "accurate"))
        {
            throw FhirError.BadRequest($"_total '{totalMode}' is not one of none, estimate, accurate.");
        }

        var includes = IncludeSpecs(type, parameters, strict, ignored);
        var result = await repo.SearchAsync(
            new SearchRequest(type, clauses, (int)count, Number(parameters, "_page"), WithMatches: !countOnly, WithTotal: countOnly || totalMode == "accurate", includes, IncludeLimit),
            http.RequestAborted);
        var path = compartment is null ? type : $"Patient/{compartment}/{type}";
        var bundle = ToBundle(http.Request, path, parameters, result, ignored);
        await FhirHttp.WriteResourceAsync(http, bundle);
    }

    /// <summary>_include=Type:param[:target] (Type is the searched type) and _revinclude=Type:param;
    /// :iterate and * are not supported yet.</summary>
    private static List<IncludeSpec> IncludeSpecs(string type, List<KeyValuePair<string, string>> parameters, bool strict, List<string> ignored)
    {
        var specs = new List<IncludeSpec>();
        foreach (var (name, value) in parameters.Where(p => p.Key.StartsWith("_include", StringComparison.Ordinal) || p.Key.StartsWith("_revinclude", StringComparison.Ordinal)))
        {
            var reverse = name.StartsWith("_revinclude", StringComparison.Ordinal);
            var parts = value.Split(':');
            string? problem = null;
            if (name is not ("_include" or "_revinclude"))
            {
                problem = $"'{name}' (iterate) is not supported yet.";
            }
            else if (parts.Length is < 2 or > 3 || parts[1] == "*")
            {
                problem = $"{name}={value} is not supported: use Type:parameter or Type:parameter:TargetType.";
            }
            else if (!reverse && parts[0] != type)
            {
                problem = $"_include={value} must start with the searched type {type}.";
            }
            else if (SearchParameterCatalog.Instance.Find(parts[0], parts[1]) is not { Type: SearchParamType.Reference })
            {
                problem = $"{name}={value}: '{parts[1]}' is not a reference parameter of {parts[0]}.";
            }

            if (problem is not null)
            {
                if (strict)
                {
                    throw FhirError.BadRequest(problem);
                }

                ignored.Add(problem);
                continue;
            }

            specs.Add(new IncludeSpec(reverse, parts[0], parts[1], parts.Length == 3 ? parts[2] : null));
        }

        return specs;
    }

    private static long? Number(List<KeyValuePair<string, string>> parameters, string name)
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

    private static Bundle ToBundle(HttpRequest request, string path, List<KeyValuePair<string, string>> parameters, SearchResult result, List<string> ignored)
    {
        var baseUrl = FhirHttp.BaseUrl(request);
        string Link(IEnumerable<KeyValuePair<string, string>> ps) =>
            $"{baseUrl}/{path}?{string.Join('&', ps.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"))}";

        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Id = Guid.CreateVersion7().ToString() };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = Link(parameters) });
        if (result.Page.NextCursor is { } next)
        {
            var kept = parameters.Where(p => p.Key != "_page").Append(KeyValuePair.Create("_page", next.ToString(CultureInfo.InvariantCulture)));
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = Link(kept) });
        }

        if (result.Total is { } total)
        {
            bundle.Total = (int)Math.Min(int.MaxValue, total);
        }

        Bundle.EntryComponent Entry(StoredVersion stored, Bundle.SearchEntryMode mode) => new()
        {
            FullUrl = $"{baseUrl}/{stored.Type}/{stored.Id}",
            Resource = FhirFormat.Parse(stored.Json!, FhirMediaType.Json),
            Search = new Bundle.SearchComponent { Mode = mode },
        };

        bundle.Entry.AddRange(result.Page.Matches.Select(m => Entry(m, Bundle.SearchEntryMode.Match)));
        bundle.Entry.AddRange(result.Included.Select(i => Entry(i, Bundle.SearchEntryMode.Include)));

        // What was left out or cut short, said once, in the spec's place for it.
        var issues = ignored
            .Select(reason => Issue(OperationOutcome.IssueType.NotSupported, reason + " It was ignored, so the results may include more than you asked for."))
            .Concat(result.Truncated.Select(include => Issue(OperationOutcome.IssueType.TooCostly,
                $"{include} matched more than {IncludeLimit} resources for this page; only the first {IncludeLimit} are included. Use a smaller _count.")))
            .ToList();
        if (issues.Count > 0)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                Resource = new OperationOutcome { Issue = issues },
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
            });
        }

        return bundle;
    }

    private static OperationOutcome.IssueComponent Issue(OperationOutcome.IssueType code, string text) =>
        new() { Severity = OperationOutcome.IssueSeverity.Warning, Code = code, Diagnostics = text };
}
