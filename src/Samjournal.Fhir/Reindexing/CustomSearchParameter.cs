using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Indexing;
using Samjournal.Fhir.Interactions;

namespace Samjournal.Fhir.Reindexing;

/// <summary>
/// A SearchParameter resource written to this store, reduced to what indexing and search need.
/// <see cref="Definition"/> is its identity for reindexing: an update that leaves it unchanged
/// (a new description, say) needs no new reindex job.
/// </summary>
public sealed partial record CustomSearchParameter(
    string ResourceId,
    string Code,
    SearchParamType Type,
    IReadOnlyList<string> Bases,
    string Expression,
    IReadOnlyList<string> Targets,
    bool Active)
{
    private static readonly SearchParamType[] Indexable =
        [SearchParamType.Token, SearchParamType.String, SearchParamType.Reference, SearchParamType.Date, SearchParamType.Number, SearchParamType.Quantity, SearchParamType.Uri];

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_\\-]{0,63}$")]
    private static partial Regex CodePattern();

    /// <summary>The definition as one line: what the index rows are computed from.</summary>
    public string Definition =>
        $"{Type.ToString().ToLowerInvariant()}|{Code}|{string.Join(',', Bases)}|{string.Join(',', Targets)}|{Expression}";

    /// <summary>
    /// Checks a SearchParameter before it is stored and reduces it. Throws a 400 naming the problem
    /// for a definition this server could not index; such a resource is not stored at all, since a
    /// stored parameter that can never work would only mislead.
    /// </summary>
    /// <param name="others">The other active custom parameters of the store, so two definitions
    /// never claim one code on one type.</param>
    public static CustomSearchParameter FromResource(SearchParameter resource, SearchParameterCatalog builtIn, IEnumerable<CustomSearchParameter> others)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(builtIn);
        var code = resource.Code;
        if (string.IsNullOrEmpty(code) || !CodePattern().IsMatch(code))
        {
            throw FhirOperationException.BadRequest(
                $"SearchParameter.code '{ResourceIds.Truncate(code ?? "")}' is not usable: it must start with a letter and hold only letters, digits, '-' and '_' (codes starting with '_' are reserved by FHIR).",
                "SearchParameter.code");
        }

        if (resource.Type is not { } type || !Indexable.Contains(type))
        {
            throw FhirOperationException.BadRequest(
                $"SearchParameter.type '{resource.Type?.ToString().ToLowerInvariant() ?? "(missing)"}' is not supported for custom parameters: use token, string, reference, date, number, quantity or uri.",
                "SearchParameter.type");
        }

        // The raw codes, so a type this SDK does not know is named as the client wrote it.
        var bases = resource.BaseElement.Select(b => b?.JsonValue?.ToString() ?? "").ToList();
        if (bases.Count == 0)
        {
            throw FhirOperationException.BadRequest("SearchParameter.base is empty: name the resource types the parameter applies to.", "SearchParameter.base");
        }

        if (bases.FirstOrDefault(b => !ResourceIds.IsKnownType(b)) is { } unknownBase)
        {
            throw FhirOperationException.BadRequest($"SearchParameter.base '{ResourceIds.Truncate(unknownBase)}' is not a concrete FHIR R4 resource type.", "SearchParameter.base");
        }

        var types = bases.Distinct(StringComparer.Ordinal).ToList();
        foreach (var baseType in types)
        {
            if (builtIn.Find(baseType, code) is not null || builtIn.FindSkipped(baseType, code) is not null)
            {
                throw FhirOperationException.BadRequest($"SearchParameter.code '{code}' is already a built-in search parameter of {baseType}; choose another code.", "SearchParameter.code");
            }

            if (others.FirstOrDefault(o => o.ResourceId != resource.Id && o.Active && o.Code == code && o.Bases.Contains(baseType)) is { } taken)
            {
                throw FhirOperationException.BadRequest($"SearchParameter.code '{code}' on {baseType} is already defined by SearchParameter/{taken.ResourceId}.", "SearchParameter.code");
            }
        }

        var expression = resource.Expression;
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw FhirOperationException.BadRequest("SearchParameter.expression is missing: custom parameters are indexed with their FHIRPath expression.", "SearchParameter.expression");
        }

        if (SearchParameterCatalog.CompileProblem(expression) is { } problem)
        {
            throw FhirOperationException.BadRequest($"SearchParameter.expression does not compile as FHIRPath: {problem}", "SearchParameter.expression");
        }

        foreach (var baseType in types)
        {
            if (FhirPathUnion.ForType(expression, baseType, ModelInfo.IsKnownResource) is null)
            {
                throw FhirOperationException.BadRequest($"SearchParameter.expression has no branch for the base {baseType} (it should start with '{baseType}.').", "SearchParameter.expression");
            }
        }

        var targets = resource.TargetElement.Select(t => t?.JsonValue?.ToString()).OfType<string>().Where(ResourceIds.IsKnownType).ToList();
        return new CustomSearchParameter(resource.Id ?? "", code, type, types, expression, targets, resource.Status == PublicationStatus.Active);
    }
}
