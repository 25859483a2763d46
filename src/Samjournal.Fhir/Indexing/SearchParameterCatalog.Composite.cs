using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Hl7.FhirPath;

namespace Samjournal.Fhir.Indexing;

/// <summary>One component of a composite parameter: the code and type of the parameter it is
/// defined by, and its expression, relative to an element the composite's expression selects.</summary>
public sealed record CompositeComponent(string Code, SearchParamType Type, string Expression)
{
    internal CompiledExpression Compiled { get; init; } = null!;

    /// <summary>The direct evaluator of <see cref="Expression"/> on the element, when it has a simple shape.</summary>
    internal DirectPath? Direct { get; init; }
}

public sealed partial class SearchParameterCatalog
{
    /// <summary>The types a component can have: the ones with a single-value index.</summary>
    private static readonly SearchParamType[] ComponentTypes =
    [
        SearchParamType.Token, SearchParamType.String, SearchParamType.Reference, SearchParamType.Uri,
        SearchParamType.Date, SearchParamType.Number, SearchParamType.Quantity,
    ];

    /// <summary>
    /// Component expressions the R4 definitions get wrong. DocumentReference-relationship
    /// (relatesto$relation) gives the reference component the expression <c>code</c> and the token
    /// component <c>target</c>; as published it could never match, so each gets the other's.
    /// </summary>
    private static readonly FrozenDictionary<(string Composite, string Component), string> CorrectedExpressions =
        new Dictionary<(string, string), string>
        {
            [("http://hl7.org/fhir/SearchParameter/DocumentReference-relationship", "http://hl7.org/fhir/SearchParameter/DocumentReference-relatesto")] = "target",
            [("http://hl7.org/fhir/SearchParameter/DocumentReference-relationship", "http://hl7.org/fhir/SearchParameter/DocumentReference-relation")] = "code",
        }.ToFrozenDictionary();

    private readonly Dictionary<string, SearchParamDefinition> definitionsByUrl = new(StringComparer.Ordinal);

    /// <summary>The components of a composite definition, or null (with the reason) when one of them
    /// cannot be resolved to a definition of an indexable type or does not compile.</summary>
    private List<CompositeComponent>? CompositeComponents(SearchParamDefinition composite, out string? problem)
    {
        problem = null;
        var components = new List<CompositeComponent>();
        foreach (var component in composite.Component ?? [])
        {
            if (component.Definition is null || !definitionsByUrl.TryGetValue(component.Definition, out var definition)
                || definition.Code is null || !ComponentTypes.Contains(definition.Type))
            {
                problem = "a component has no definition of a searchable type";
                return null;
            }

            var expression = composite.Url is not null && CorrectedExpressions.TryGetValue((composite.Url, component.Definition), out var corrected)
                ? corrected
                : FhirTypeNames(component.Expression);
            if (string.IsNullOrWhiteSpace(expression))
            {
                problem = "a component has no expression";
                return null;
            }

            try
            {
                components.Add(new CompositeComponent(definition.Code, definition.Type, expression) { Compiled = CompileShared(expression), Direct = DirectPath.TryCreateRelative(expression) });
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
            {
                problem = "a component expression does not compile: " + e.GetType().Name;
                return null;
            }
        }

        if (components.Count < 2)
        {
            problem = "a composite needs at least two components";
            return null;
        }

        return components;
    }

    /// <summary>
    /// The R4 component expressions write <c>value.as(DateTime)</c>; to the FHIRPath engine that is
    /// System.DateTime, which a FHIR dateTime is not, so the component would never have a value.
    /// FHIR primitive type names start in lower case, so a capitalised name in <c>as(...)</c> whose
    /// lower-case form is a FHIR primitive is taken as that primitive.
    /// </summary>
    private static string? FhirTypeNames(string? expression) => expression is null ? null : AsType().Replace(expression, match =>
    {
        var name = match.Groups[1].Value;
        var primitive = char.ToLowerInvariant(name[0]) + name[1..];
        return ModelInfo.IsPrimitive(primitive) ? $"as({primitive})" : match.Value;
    });

    [GeneratedRegex(@"as\(([A-Z][A-Za-z]*)\)")]
    private static partial Regex AsType();

    private void RememberUrls(IEnumerable<SearchParamDefinition> definitions)
    {
        foreach (var definition in definitions)
        {
            if (definition.Url is not null)
            {
                // Shared definitions (clinical-code) recur once per type; any copy has the same type.
                definitionsByUrl.TryAdd(definition.Url, definition);
            }
        }
    }
}
