using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Samjournal.Fhir.Serialization;
using Samjournal.Fhir.Storage;

namespace Samjournal.Fhir.Search;

/// <summary>
/// Builds the searchset Bundle of a search: links (self, next, previous with opaque keyset
/// tokens), the total, the matches and included resources shaped by _summary and _elements, and
/// one OperationOutcome entry for whatever was left out or cut short. The REST search and search
/// entries in batches and transactions both answer with this.
/// </summary>
public static class Searchset
{
    /// <summary>The tag the spec asks for on resources that are not complete (search.html#summary).</summary>
    private static readonly Coding Subsetted = new("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "SUBSETTED");

    /// <param name="baseUrl">This server's FHIR base.</param>
    /// <param name="path">What was searched, relative to the base: <c>Observation</c> or <c>Patient/1/Observation</c>.</param>
    /// <param name="parameters">The search's parameters as asked, for the links.</param>
    public static Bundle Build(string baseUrl, string path, IReadOnlyList<KeyValuePair<string, string>> parameters, ParsedSearch search, SearchResult result) =>
        Build(baseUrl, path, parameters, search, result, withResources: true);

    /// <summary>
    /// The searchset as FHIR JSON with the stored resources copied in byte for byte, or null when
    /// the entries must be shaped (_summary, _elements) and so need the object model. Parsing and
    /// re-serialising each entry with Firely cost more than the query itself (about 7 ms for 50
    /// observations), and a stored body is already the resource exactly as a read returns it.
    /// </summary>
    public static byte[]? TryBuildJson(string baseUrl, string path, IReadOnlyList<KeyValuePair<string, string>> parameters, ParsedSearch search, SearchResult result)
    {
        if (search.Summary is not (SummaryType.False or SummaryType.Count) || search.Elements is not null)
        {
            return null;
        }

        var stored = result.Page.Matches.Concat(result.Included).ToList();
        var envelope = FhirFormat.ToJsonBytes(Build(baseUrl, path, parameters, search, result, withResources: false));
        return RawEntries.Splice(envelope, stored.Select(s => s.Json!).ToList());
    }

    private static Bundle Build(string baseUrl, string path, IReadOnlyList<KeyValuePair<string, string>> parameters, ParsedSearch search, SearchResult result, bool withResources)
    {
        string Link(IEnumerable<KeyValuePair<string, string>> ps) =>
            $"{baseUrl}/{path}?{string.Join('&', ps.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"))}";

        var request = search.Request;
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Id = Guid.CreateVersion7().ToString() };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = Link(parameters) });
        var withoutPage = parameters.Where(p => p.Key != "_page").ToList();
        foreach (var (relation, cursor) in new[] { ("next", result.Page.Next), ("previous", result.Page.Previous) })
        {
            if (cursor is not null)
            {
                var token = cursor.Encode(request.Type, request.Sort);
                bundle.Link.Add(new Bundle.LinkComponent { Relation = relation, Url = Link(withoutPage.Append(KeyValuePair.Create("_page", token))) });
            }
        }

        if (result.Total is { } total)
        {
            bundle.Total = (int)Math.Min(int.MaxValue, total);
        }

        Bundle.EntryComponent Entry(StoredVersion stored, Bundle.SearchEntryMode mode) => new()
        {
            FullUrl = $"{baseUrl}/{stored.Type}/{stored.Id}",
            // _elements names elements of the searched type, so it shapes the matches only.
            Resource = withResources ? Shape(stored, search.Summary, mode == Bundle.SearchEntryMode.Match ? search.Elements : null) : null,
            Search = new Bundle.SearchComponent { Mode = mode },
        };

        bundle.Entry.AddRange(result.Page.Matches.Select(m => Entry(m, Bundle.SearchEntryMode.Match)));
        bundle.Entry.AddRange(result.Included.Select(i => Entry(i, Bundle.SearchEntryMode.Include)));

        // What was left out or cut short, said once, in the spec's place for it.
        var issues = search.Ignored
            .Select(reason => Issue(OperationOutcome.IssueType.NotSupported, reason + " It was ignored, so the results may include more than you asked for."))
            .Concat(result.Truncated.Select(include => Issue(OperationOutcome.IssueType.TooCostly,
                $"{include} brought more than the {request.IncludeLimit} included resources a page may carry; only the first {request.IncludeLimit} are included. Use a smaller _count.")))
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

    /// <summary>The stored resource, reduced by _summary or _elements and then tagged SUBSETTED.</summary>
    private static Resource Shape(StoredVersion stored, SummaryType summary, IReadOnlyList<string>? elements)
    {
        var resource = FhirFormat.Parse(stored.Json!, FhirMediaType.Json);
        if (summary is SummaryType.False or SummaryType.Count && elements is null)
        {
            return resource;
        }

        var reduced = FhirFormat.Parse(FhirFormat.ToBytes(resource, FhirMediaType.Json, summary is SummaryType.Count ? SummaryType.False : summary, elements?.ToArray()), FhirMediaType.Json);
        reduced.Meta ??= new Meta();
        if (!reduced.Meta.Tag.Any(t => t.System == Subsetted.System && t.Code == Subsetted.Code))
        {
            reduced.Meta.Tag.Add((Coding)Subsetted.DeepCopy());
        }

        return reduced;
    }

    private static OperationOutcome.IssueComponent Issue(OperationOutcome.IssueType code, string text) =>
        new() { Severity = OperationOutcome.IssueSeverity.Warning, Code = code, Diagnostics = text };
}
