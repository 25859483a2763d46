using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Interactions;

namespace Samjournal.Fhir.Search;

/// <summary>
/// Parses the search criteria of conditional interactions (If-None-Exist, conditional update and
/// delete, conditional references). Strict on purpose: an ignored parameter would widen the
/// match, and a conditional delete that matches too much destroys data.
/// </summary>
public sealed partial class CriteriaParser
{
    // The same definitions the index is built from, so search and index never disagree on a
    // parameter: a store with custom SearchParameters passes its own, the built-in one is the default.
    private readonly Indexing.SearchParameterCatalog catalog;

    private CriteriaParser(Indexing.SearchParameterCatalog catalog) => this.catalog = catalog;

    private static readonly string[] DatePrefixes = ["eq", "ne", "lt", "gt", "le", "ge", "sa", "eb", "ap"];

    /// <summary>Parses <c>name=value&amp;...</c> (URL-encoded, without the leading '?').</summary>
    public static IReadOnlyList<SearchClause> Parse(string type, string query, Indexing.SearchParameterCatalog? catalog = null) =>
        new CriteriaParser(catalog ?? Indexing.SearchParameterCatalog.Instance).ParseCriteria(type, query);

    private IReadOnlyList<SearchClause> ParseCriteria(string type, string query)
    {
        var clauses = new List<SearchClause>();
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw FhirOperationException.BadRequest($"'{ResourceText(pair)}' in the search criteria has no value.");
            }

            var name = Uri.UnescapeDataString(pair[..eq]);
            var raw = pair[(eq + 1)..].Replace('+', ' ');
            var values = SplitValues(raw).Select(Uri.UnescapeDataString).ToList();
            if (values.Count == 0 || values.Any(v => v.Length == 0))
            {
                throw FhirOperationException.BadRequest($"Search parameter '{name}' has an empty value.");
            }

            clauses.Add(Clause(type, name, values));
        }

        if (clauses.Count == 0)
        {
            throw FhirOperationException.BadRequest("Conditional criteria are empty: name at least one search parameter.");
        }

        return clauses;
    }

    /// <summary>
    /// Parses the criteria of a search. Parameters this server cannot answer yet are refused with
    /// a 400 under strict handling; under lenient handling (the spec's default) they are left out
    /// and named in <paramref name="ignored"/>, so the caller can say so in the result. A value a
    /// supported parameter cannot take is a 400 either way.
    /// </summary>
    public static IReadOnlyList<SearchClause> ParseSearch(string type, IEnumerable<KeyValuePair<string, string>> parameters, bool strict, List<string> ignored, Indexing.SearchParameterCatalog? catalog = null) =>
        new CriteriaParser(catalog ?? Indexing.SearchParameterCatalog.Instance).ParseSearchCriteria(type, parameters, strict, ignored);

    private IReadOnlyList<SearchClause> ParseSearchCriteria(string type, IEnumerable<KeyValuePair<string, string>> parameters, bool strict, List<string> ignored)
    {
        var clauses = new List<SearchClause>();
        foreach (var (name, raw) in parameters)
        {
            if ((Unsupported(type, name) ?? UnsupportedValues(name, SplitValues(raw))) is { } reason)
            {
                if (strict)
                {
                    throw FhirOperationException.BadRequest(reason);
                }

                ignored.Add(reason);
                continue;
            }

            var values = SplitValues(raw).ToList();
            if (values.Any(v => v.Length == 0))
            {
                throw FhirOperationException.BadRequest($"Search parameter '{name}' has an empty value.");
            }

            clauses.Add(Clause(type, name, values));
        }

        return clauses;
    }

    /// <summary>Why a parameter name cannot be answered, or null when it can.</summary>
    private string? Unsupported(string type, string name)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        var code = colon < 0 ? name : name[..colon];
        var modifier = colon < 0 ? null : name[(colon + 1)..];
        if (IsLinked(name))
        {
            return AnalyzeLinked(type, name).Problem;
        }

        if (code == "_id")
        {
            return modifier is null ? null : $"Modifier ':{modifier}' is not supported on '_id'.";
        }

        if (Indexing.TextSearch.AppliesTo(type, code))
        {
            return modifier is null ? null : $"Modifier ':{modifier}' is not supported on '{code}'.";
        }

        if (catalog.Find(type, code) is not { } parameter)
        {
            return catalog.FindSkipped(type, code) is { } skipped
                ? $"Parameter '{code}' ({skipped.Type.ToString().ToLowerInvariant()}) is not supported yet; token, string, reference, uri, date, number and quantity parameters are."
                : $"'{code}' is not a search parameter of {type}.";
        }

        if (catalog.Unavailable(type, code) is { } unavailable)
        {
            return unavailable;
        }

        if (KindOf(parameter.Type) is not { } kind)
        {
            return $"Parameter '{code}' ({parameter.Type.ToString().ToLowerInvariant()}) is not supported yet; token, string, reference, uri, date, number and quantity parameters are.";
        }

        var allowed = modifier is null or "missing" || kind switch
        {
            ClauseKind.String => modifier is "exact" or "contains",
            ClauseKind.Token => modifier is "not" or "text" or "in" or "not-in" || (modifier == "of-type" && IsIdentifierParameter(parameter)),
            ClauseKind.Uri => modifier is "below" or "above",
            ClauseKind.Reference => modifier == "identifier" || (modifier is not null && ResourceIds.IsKnownType(modifier)),
            _ => false,
        };
        return allowed ? null : $"Modifier ':{modifier}' is not supported on '{code}'.";
    }

    private static ClauseKind? KindOf(SearchParamType type) => type switch
    {
        SearchParamType.Token => ClauseKind.Token,
        SearchParamType.String => ClauseKind.String,
        SearchParamType.Reference => ClauseKind.Reference,
        SearchParamType.Uri => ClauseKind.Uri,
        SearchParamType.Date => ClauseKind.Date,
        SearchParamType.Number => ClauseKind.Number,
        SearchParamType.Quantity => ClauseKind.Quantity,
        SearchParamType.Composite => ClauseKind.Composite,
        _ => null,
    };

    private SearchClause Clause(string type, string name, List<string> values)
    {
        if (Unsupported(type, name) is { } reason)
        {
            throw FhirOperationException.BadRequest(reason + " Conditional criteria must be fully understood.");
        }

        if (IsLinked(name))
        {
            return LinkedClause(type, name, values);
        }

        var colon = name.IndexOf(':', StringComparison.Ordinal);
        var code = colon < 0 ? name : name[..colon];
        var modifier = colon < 0 ? null : name[(colon + 1)..];
        if (code == "_id")
        {
            return new SearchClause(code, ClauseKind.Id, modifier, values);
        }

        if (Indexing.TextSearch.AppliesTo(type, code))
        {
            return values.All(v => Indexing.TextSearch.Words(v).Count > 0)
                ? new SearchClause(code, ClauseKind.Text, modifier, values)
                : throw FhirOperationException.BadRequest($"'{code}' needs words to search for (letters or digits).");
        }

        var parameter = catalog.Find(type, code)!;
        var kind = KindOf(parameter.Type)!.Value;
        if (modifier == "missing")
        {
            return values is ["true"] or ["false"]
                ? new SearchClause(code, kind, modifier, values)
                : throw FhirOperationException.BadRequest($"'{code}:missing' takes true or false.");
        }

        return kind switch
        {
            ClauseKind.Date => new SearchClause(code, kind, modifier, values) { DateRanges = values.Select(v => ParseDate(code, v)).ToList() },
            ClauseKind.Number or ClauseKind.Quantity => new SearchClause(code, kind, modifier, values) { Numbers = values.Select(v => ParseNumber(code, v, kind == ClauseKind.Quantity)).ToList() },
            ClauseKind.Composite => new SearchClause(code, kind, modifier, values) { Tuples = values.Select(v => ParseTuple(parameter, v)).ToList() },
            ClauseKind.Token when modifier == "of-type" => new SearchClause(code, kind, modifier, values.Select(v => CheckOfType(code, v)).ToList()),
            _ => new SearchClause(code, kind, modifier, values),
        };
    }

    /// <summary><c>[prefix]number</c>, and for quantities <c>[prefix]number|system|code</c> or <c>number||code</c>.</summary>
    internal static NumberCriterion ParseNumber(string code, string value, bool quantity)
    {
        var parts = value.Split('|');
        if (parts.Length is not (1 or 3) || (!quantity && parts.Length != 1))
        {
            throw FhirOperationException.BadRequest($"'{value}' is not a {(quantity ? "quantity (number|system|code)" : "number")} for '{code}'.");
        }

        var text = parts[0];
        var prefix = text.Length > 2 && DatePrefixes.Contains(text[..2], StringComparer.Ordinal) ? text[..2] : "eq";
        if (prefix != "eq" || text.StartsWith("eq", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        if (!decimal.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign | System.Globalization.NumberStyles.AllowDecimalPoint | System.Globalization.NumberStyles.AllowExponent, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            throw FhirOperationException.BadRequest($"'{value}' is not a number for '{code}': write it like 5.4 or gt5.4.");
        }

        var (low, high) = Indexing.IndexExtractor.PrecisionRange(number);
        return new NumberCriterion(prefix, number, low, high, parts.Length == 3 && parts[1].Length > 0 ? parts[1] : null, parts.Length == 3 && parts[2].Length > 0 ? parts[2] : null);
    }

    internal static DateCriterion ParseDate(string code, string value)
    {
        var prefix = value.Length > 2 && DatePrefixes.Contains(value[..2], StringComparer.Ordinal) ? value[..2] : "eq";
        var text = value.Length > 2 && DatePrefixes.Contains(value[..2], StringComparer.Ordinal) ? value[2..] : value;
        // The same parser as the index, so a search value and an indexed value of equal text match.
        return Indexing.FhirDateRange.TryParse(text, out var start, out var end)
            ? new DateCriterion(prefix, start, end)
            : throw FhirOperationException.BadRequest($"'{value}' is not a date for '{code}': use YYYY, YYYY-MM, YYYY-MM-DD or a full dateTime, optionally prefixed (ge2020-01-01).");
    }

    /// <summary>Splits on commas not escaped with a backslash (search.html#escaping).</summary>
    private static IEnumerable<string> SplitValues(string raw)
    {
        var start = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\\')
            {
                i++;
            }
            else if (raw[i] == ',')
            {
                yield return Unescape(raw[start..i]);
                start = i + 1;
            }
        }

        yield return Unescape(raw[start..]);
    }

    private static string Unescape(string value) => value.Replace("\\,", ",", StringComparison.Ordinal).Replace("\\|", "|", StringComparison.Ordinal);

    private static string ResourceText(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
