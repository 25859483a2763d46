using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Indexing;

namespace Samjournal.Fhir.Search;

/// <summary>Composite values (<c>a$b</c>) and <c>:of-type</c> on identifiers.</summary>
public sealed partial class CriteriaParser
{
    /// <summary>
    /// One composite value: split at <c>$</c> (<c>\$</c> is a literal dollar) into one part per
    /// component, each parsed by its component's type and rules, so
    /// <c>http://loinc.org|8480-6$gt100|http://unitsofmeasure.org|mm[Hg]</c> is a token and a
    /// prefixed quantity (search.html#composite).
    /// </summary>
    private IReadOnlyList<SearchClause> ParseTuple(IndexedSearchParameter parameter, string value)
    {
        var parts = SplitComposite(value);
        var components = parameter.Components;
        if (parts.Count != components.Count)
        {
            throw FhirOperationException.BadRequest(
                $"'{value}' has {parts.Count} part(s) for '{parameter.Code}', which takes {components.Count}: "
                + string.Join("$", components.Select(c => c.Code)) + ".");
        }

        var clauses = new List<SearchClause>(parts.Count);
        for (var i = 0; i < parts.Count; i++)
        {
            var (part, component) = (parts[i], components[i]);
            if (part.Length == 0)
            {
                throw FhirOperationException.BadRequest($"'{value}' has an empty '{component.Code}' part for '{parameter.Code}'.");
            }

            var kind = KindOf(component.Type)!.Value;
            clauses.Add(kind switch
            {
                ClauseKind.Date => new SearchClause(component.Code, kind, null, [part]) { DateRanges = [ParseDate(component.Code, part)] },
                ClauseKind.Number or ClauseKind.Quantity => new SearchClause(component.Code, kind, null, [part]) { Numbers = [ParseNumber(component.Code, part, kind == ClauseKind.Quantity)] },
                _ => new SearchClause(component.Code, kind, null, [part]),
            });
        }

        return clauses;
    }

    private static List<string> SplitComposite(string value)
    {
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\')
            {
                i++;
            }
            else if (value[i] == '$')
            {
                parts.Add(value[start..i].Replace("\\$", "$", StringComparison.Ordinal));
                start = i + 1;
            }
        }

        parts.Add(value[start..].Replace("\\$", "$", StringComparison.Ordinal));
        return parts;
    }

    /// <summary>Whether a token parameter indexes Identifiers, the only values <c>:of-type</c> applies to.</summary>
    private static bool IsIdentifierParameter(IndexedSearchParameter parameter) =>
        parameter.Expression.Contains("identifier", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>:of-type</c> takes <c>[type system]|[type code]|[identifier value]</c>, all three
    /// required (search.html#token).</summary>
    private static string CheckOfType(string code, string value)
    {
        var parts = value.Split('|');
        return parts.Length == 3 && parts.All(p => p.Length > 0)
            ? value
            : throw FhirOperationException.BadRequest(
                $"'{value}' is not a value for '{code}:of-type': write the identifier type's system and code, then the identifier value, as system|code|value.");
    }
}
