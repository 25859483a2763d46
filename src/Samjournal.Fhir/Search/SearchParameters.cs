using System.Globalization;
using SummaryType = Hl7.Fhir.Rest.SummaryType;
using Samjournal.Fhir.Errors;

namespace Samjournal.Fhir.Search;

/// <summary>A search as asked: the request for the store, what was left out and why, and how the
/// entries are to be shaped (_summary, _elements).</summary>
public sealed record ParsedSearch(SearchRequest Request, IReadOnlyList<string> Ignored, SummaryType Summary, IReadOnlyList<string>? Elements);

/// <summary>
/// Turns the name/value pairs of a search (REST query, form body, or the URL of a search entry in
/// a batch or transaction) into a <see cref="SearchRequest"/>: the criteria through
/// <see cref="CriteriaParser"/>, and the result parameters (_count, _page, _sort, _total,
/// _include, _revinclude, _summary, _elements) here, so every way in searches alike.
/// </summary>
public static class SearchParameters
{
    public const int DefaultCount = 50;
    public const int MaxCount = 1000;

    // Included resources per page; more is said in an OperationOutcome entry, never dropped silently.
    public const int IncludeLimit = 1000;

    // Result parameters; _format and _pretty belong to the HTTP layer and are only passed over here.
    private static readonly HashSet<string> ResultParameters = new(StringComparer.Ordinal) { "_count", "_page", "_sort", "_format", "_pretty", "_summary", "_elements", "_total" };

    /// <param name="catalog">The store's parameters: the R4 ones and its custom SearchParameters.</param>
    public static ParsedSearch Parse(string type, IReadOnlyList<KeyValuePair<string, string>> parameters, bool strict, string? compartment, Indexing.SearchParameterCatalog catalog)
    {
        var ignored = new List<string>();
        var criteria = parameters.Where(p => !ResultParameters.Contains(p.Key) && !IncludeParser.IsInclude(p.Key)).ToList();
        var clauses = CriteriaParser.ParseSearch(type, criteria, strict, ignored, catalog).ToList();
        if (compartment is not null)
        {
            clauses.Add(new SearchClause("_compartment", ClauseKind.PatientCompartment, null, [compartment]));
        }

        var count = Number(parameters, "_count") ?? DefaultCount;
        if (count is < 1 or > MaxCount)
        {
            throw FhirOperationException.BadRequest($"_count must be between 1 and {MaxCount}.");
        }

        var summary = Last(parameters, "_summary") switch
        {
            null or "false" => SummaryType.False,
            "true" => SummaryType.True,
            "text" => SummaryType.Text,
            "data" => SummaryType.Data,
            "count" => SummaryType.Count,
            var other => throw FhirOperationException.BadRequest($"_summary '{other}' is not one of true, text, data, count, false."),
        };
        var elements = Last(parameters, "_elements")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        // The total costs a second query over every match, so it is counted only when asked for
        // (_total=accurate or _summary=count); the default (none) keeps large searches cheap.
        var countOnly = summary == SummaryType.Count;
        var asked = Last(parameters, "_total") switch
        {
            null or "none" => TotalMode.None,
            "estimate" => TotalMode.Estimate,
            "accurate" => TotalMode.Accurate,
            var other => throw FhirOperationException.BadRequest($"_total '{other}' is not one of none, estimate, accurate."),
        };
        var total = countOnly ? TotalMode.Accurate : asked;

        var sort = Last(parameters, "_sort") is { } sortText ? SortKey.Parse(type, sortText, strict, ignored, catalog) : [];
        var cursor = Last(parameters, "_page") is { Length: > 0 } token ? PageCursor.Decode(token, type, sort) : null;
        var includes = IncludeParser.Parse(type, parameters, strict, ignored, catalog);
        var request = new SearchRequest(type, clauses, (int)count, WithMatches: !countOnly, total, includes, IncludeLimit)
        {
            Sort = sort,
            Cursor = cursor,
            Query = (compartment is null ? type : $"Patient/{compartment}/{type}") + "?" + string.Join("&", parameters.Select(p => p.Key + "=" + p.Value)),
        };
        return new ParsedSearch(request, ignored, summary, elements);
    }

    /// <summary>The pairs of a query string (<c>a=1&amp;b=2</c>, URL-encoded, '+' for space).</summary>
    public static List<KeyValuePair<string, string>> FromQueryString(string? query)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var pair in (query ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? "" : pair[(eq + 1)..];
            pairs.Add(KeyValuePair.Create(Unescape(name), Unescape(value)));
        }

        return pairs;
    }

    private static string Unescape(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            throw FhirOperationException.BadRequest($"'{(text.Length > 60 ? text[..60] + "…" : text)}' is not correctly URL-encoded.");
        }
    }

    private static string? Last(IReadOnlyList<KeyValuePair<string, string>> parameters, string name) =>
        parameters.LastOrDefault(p => p.Key == name).Value;

    private static long? Number(IReadOnlyList<KeyValuePair<string, string>> parameters, string name)
    {
        var text = Last(parameters, name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw FhirOperationException.BadRequest($"{name} '{text}' is not a whole number.");
    }
}
