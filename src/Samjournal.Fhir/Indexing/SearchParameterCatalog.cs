using System.Collections.Frozen;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace Samjournal.Fhir.Indexing;

/// <summary>One search parameter as it applies to one resource type, with its FHIRPath expression
/// reduced to the branches for that type and compiled.</summary>
public sealed record IndexedSearchParameter(
    string ResourceType,
    string Code,
    SearchParamType Type,
    string Expression,
    IReadOnlyList<string> Targets)
{
    internal CompiledExpression Compiled => CompiledLazily.Value;

    internal Lazy<CompiledExpression> CompiledLazily { get; init; } = null!;

    /// <summary>The direct evaluator when the expression has a simple shape; null otherwise.</summary>
    internal DirectPath? Direct { get; init; }

    /// <summary>For a composite: its components in order, each evaluated on an element the
    /// <see cref="Expression"/> selects. Empty for the other types.</summary>
    public IReadOnlyList<CompositeComponent> Components { get; init; } = [];

    /// <summary>A composite whose element and component expressions all have direct evaluators.</summary>
    internal bool DirectComposite { get; init; }
}

/// <summary>A parameter the extractor does not index, and why (not patient data: codes only).</summary>
public sealed record SkippedSearchParameter(string ResourceType, string Code, SearchParamType Type, string Reason);

/// <summary>
/// The search parameters that apply to each resource type: the R4 core definitions from
/// <see cref="ModelInfo.SearchParameters"/> plus the common <c>_id</c>, <c>_lastUpdated</c>,
/// <c>_tag</c>, <c>_profile</c>, <c>_security</c> and <c>_source</c> (which ModelInfo does not carry).
/// Built once, on first use; immutable afterwards, so safe to share between threads.
/// </summary>
/// <remarks>
/// Special parameters (Location near, DomainResource _text...) have no FHIRPath-to-table mapping
/// and are listed in <see cref="Skipped"/>; _text and _content are answered by <see cref="TextSearch"/>.
/// Composite parameters carry their components (see SearchParameterCatalog.Composite.cs).
/// </remarks>
public sealed partial class SearchParameterCatalog
{
    private static readonly Lazy<SearchParameterCatalog> Default =
        new(() => new SearchParameterCatalog(ModelInfo.SearchParameters), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The R4 common parameters, defined on Resource (R4 spec, search.html#all).</summary>
    private static readonly (string Code, SearchParamType Type, string Expression)[] CommonParameters =
    [
        ("_id", SearchParamType.Token, "Resource.id"),
        ("_lastUpdated", SearchParamType.Date, "Resource.meta.lastUpdated"),
        ("_tag", SearchParamType.Token, "Resource.meta.tag"),
        ("_profile", SearchParamType.Uri, "Resource.meta.profile"),
        ("_security", SearchParamType.Token, "Resource.meta.security"),
        ("_source", SearchParamType.Uri, "Resource.meta.source"),
    ];

    private readonly FrozenDictionary<string, IReadOnlyList<IndexedSearchParameter>> byType;
    private readonly FrozenDictionary<(string, string), IndexedSearchParameter> byTypeAndCode;
    private readonly FrozenDictionary<(string, string), SkippedSearchParameter> skippedByTypeAndCode;
    private readonly FhirPathCompiler compiler = new(new SymbolTable().AddStandardFP().AddFhirExtensions());
    private readonly Dictionary<string, CompiledExpression> compiledByText = new(StringComparer.Ordinal);
    private readonly Func<string, string, string?>? unavailable;

    internal SearchParameterCatalog(IEnumerable<SearchParamDefinition> definitions)
    {
        var all = definitions.ToList();
        RememberUrls(all);
        var skipped = new List<SkippedSearchParameter>();
        var perType = new Dictionary<string, List<IndexedSearchParameter>>(StringComparer.Ordinal);
        foreach (var type in ModelInfo.SupportedResources)
        {
            perType[type] = [.. CommonParameters.Select(c => Compile(type, c.Code, c.Type, c.Expression, []))];
        }

        foreach (var definition in all)
        {
            var type = definition.Resource;
            var code = definition.Code ?? definition.Name;
            if (type is null || code is null)
            {
                continue;
            }

            if (!perType.TryGetValue(type, out var list))
            {
                // "Resource"/"DomainResource" definitions (only DomainResource _text in R4) apply to all.
                skipped.Add(new(type, code, definition.Type, "defined on an abstract type"));
                continue;
            }

            if (definition.Type is SearchParamType.Special)
            {
                skipped.Add(new(type, code, definition.Type, "special parameters have no index table"));
                continue;
            }

            var expression = string.IsNullOrWhiteSpace(definition.Expression)
                ? null
                : FhirPathUnion.ForType(definition.Expression, type, ModelInfo.IsKnownResource);
            if (expression is null)
            {
                skipped.Add(new(type, code, definition.Type, "no expression applies to this type"));
                continue;
            }

            try
            {
                var targets = definition.Target?.Select(t => t.ToString()).ToArray() ?? [];
                var parameter = Compile(type, code, definition.Type, expression, targets);
                if (definition.Type == SearchParamType.Composite)
                {
                    if (CompositeComponents(definition, out var problem) is not { } components)
                    {
                        skipped.Add(new(type, code, definition.Type, problem!));
                        continue;
                    }

                    // The base expression selects the elements the components are evaluated on.
                    parameter = parameter with
                    {
                        Components = components,
                        DirectComposite = parameter.Direct is not null && components.All(c => c.Direct is not null),
                    };
                    _ = parameter.Compiled;
                }

                list.Add(parameter);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
            {
                skipped.Add(new(type, code, definition.Type, "expression does not compile: " + e.GetType().Name));
            }
        }

        byType = perType.ToFrozenDictionary(p => p.Key, p => (IReadOnlyList<IndexedSearchParameter>)p.Value.AsReadOnly(), StringComparer.Ordinal);
        Skipped = skipped.AsReadOnly();
        byTypeAndCode = byType.Values.SelectMany(l => l).ToFrozenDictionary(p => (p.ResourceType, p.Code));
        skippedByTypeAndCode = skipped.DistinctBy(p => (p.ResourceType, p.Code)).ToFrozenDictionary(p => (p.ResourceType, p.Code));
    }

    public static SearchParameterCatalog Instance => Default.Value;

    public IReadOnlyList<SkippedSearchParameter> Skipped { get; }

    public IEnumerable<string> ResourceTypes => byType.Keys;

    /// <summary>The indexed parameter <paramref name="code"/> of <paramref name="resourceType"/>, or null.</summary>
    public IndexedSearchParameter? Find(string resourceType, string code) =>
        byTypeAndCode.TryGetValue((resourceType, code), out var parameter) ? parameter : null;

    /// <summary>Why a known parameter cannot be searched on yet (a custom one still being
    /// indexed), or null when it can.</summary>
    public string? Unavailable(string resourceType, string code) => unavailable?.Invoke(resourceType, code);

    /// <summary>A defined parameter that is not indexed (composite, special), or null.</summary>
    public SkippedSearchParameter? FindSkipped(string resourceType, string code) =>
        skippedByTypeAndCode.TryGetValue((resourceType, code), out var parameter) ? parameter : null;

    /// <summary>The indexed parameters of <paramref name="resourceType"/>; empty for an unknown type.</summary>
    public IReadOnlyList<IndexedSearchParameter> For(string resourceType) =>
        byType.TryGetValue(resourceType, out var list) ? list : [];

    private IndexedSearchParameter Compile(string type, string code, SearchParamType paramType, string expression, IReadOnlyList<string> targets)
    {
        var direct = DirectPath.TryCreate(expression, type);
        var compiled = new Lazy<CompiledExpression>(() => CompileShared(expression), LazyThreadSafetyMode.ExecutionAndPublication);
        if (direct is null)
        {
            // Compiled now, so a bad expression shows up in Skipped at start rather than per resource.
            _ = compiled.Value;
        }

        return new IndexedSearchParameter(type, code, paramType, expression, targets) { CompiledLazily = compiled, Direct = direct };
    }

    private CompiledExpression CompileShared(string expression)
    {
        // The common parameters' Resource.* texts recur for every type; a compiled expression is
        // stateless and can be shared. Locked because direct-path parameters compile lazily, on
        // whichever thread first needs them.
        lock (compiledByText)
        {
            if (!compiledByText.TryGetValue(expression, out var compiled))
            {
                compiled = compiler.Compile(expression);
                compiledByText[expression] = compiled;
            }

            return compiled;
        }
    }
}
