using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;

namespace Samjournal.Fhir.Search;

/// <summary>What a sort key orders by: the resource's own columns, or one indexed parameter type.</summary>
public enum SortKind
{
    Id,
    LastUpdated,
    String,
    Token,
    Reference,
    Uri,
    Date,
    Number,
    Quantity,
}

/// <summary>One key of <c>_sort</c> (search.html#sort): a parameter and its direction.</summary>
public sealed record SortKey(string Param, SortKind Kind, bool Descending)
{
    public override string ToString() => (Descending ? "-" : "") + Param;

    /// <summary>
    /// Parses <c>_sort=a,-b</c>. A parameter that is unknown or cannot be sorted on is refused under
    /// strict handling and otherwise left out and named in <paramref name="ignored"/>, like any
    /// other parameter this server cannot answer.
    /// </summary>
    public static IReadOnlyList<SortKey> Parse(string type, string value, bool strict, List<string> ignored, Indexing.SearchParameterCatalog catalog)
    {
        var keys = new List<SortKey>();
        foreach (var part in value.Split(','))
        {
            var descending = part.StartsWith('-');
            var code = descending ? part[1..] : part;
            string? problem = null;
            SortKind? kind = code switch
            {
                "" => null,
                "_id" => SortKind.Id,
                "_lastUpdated" => SortKind.LastUpdated,
                _ => catalog.Find(type, code)?.Type switch
                {
                    SearchParamType.String => SortKind.String,
                    SearchParamType.Token => SortKind.Token,
                    SearchParamType.Reference => SortKind.Reference,
                    SearchParamType.Uri => SortKind.Uri,
                    SearchParamType.Date => SortKind.Date,
                    SearchParamType.Number => SortKind.Number,
                    SearchParamType.Quantity => SortKind.Quantity,
                    _ => null,
                },
            };
            if (code.Length == 0)
            {
                problem = $"_sort={value} has an empty key.";
            }
            else if (catalog.Unavailable(type, code) is { } indexing)
            {
                problem = $"_sort: {indexing}";
            }
            else if (kind is null)
            {
                problem = catalog.Find(type, code) is null && catalog.FindSkipped(type, code) is null
                    ? $"_sort: '{code}' is not a search parameter of {type}."
                    : $"_sort: '{code}' cannot be sorted on; string, token, reference, uri, date, number and quantity parameters, _id and _lastUpdated can.";
            }
            else if (keys.Any(k => k.Param == code))
            {
                problem = $"_sort names '{code}' more than once.";
            }

            if (problem is not null)
            {
                if (strict)
                {
                    throw FhirOperationException.BadRequest(problem);
                }

                ignored.Add(problem);
                continue;
            }

            keys.Add(new SortKey(code, kind!.Value, descending));
        }

        return keys;
    }
}
