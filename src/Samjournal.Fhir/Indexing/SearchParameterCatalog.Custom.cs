using System.Collections.Frozen;
using Hl7.Fhir.Model;
using Hl7.Fhir.FhirPath;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace Samjournal.Fhir.Indexing;

/// <summary>A store's catalog: the built-in parameters plus that store's custom ones.</summary>
public sealed partial class SearchParameterCatalog
{
    /// <summary>
    /// The built-in catalog with <paramref name="custom"/> added. The built-in instance is not
    /// touched: many stores share one process (the tests run many hosts), and one store's custom
    /// parameters must never show up in another's.
    /// </summary>
    /// <param name="unavailable">Says why a parameter cannot be searched on yet (still being
    /// indexed); asked at search time, so progress is current without rebuilding the catalog.</param>
    internal SearchParameterCatalog(SearchParameterCatalog builtIn, IEnumerable<Reindexing.CustomSearchParameter> custom, Func<string, string, string?>? unavailable)
    {
        this.unavailable = unavailable;
        var perType = builtIn.byType.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var parameter in custom)
        {
            foreach (var type in parameter.Bases)
            {
                // Validated when the SearchParameter was written: every base has a branch.
                var expression = FhirPathUnion.ForType(parameter.Expression, type, ModelInfo.IsKnownResource) ?? parameter.Expression;
                perType[type] = [.. perType[type], Compile(type, parameter.Code, parameter.Type, expression, parameter.Targets)];
            }
        }

        byType = perType.ToFrozenDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        byTypeAndCode = byType.Values.SelectMany(l => l).ToFrozenDictionary(p => (p.ResourceType, p.Code));
        skippedByTypeAndCode = builtIn.skippedByTypeAndCode;
        Skipped = builtIn.Skipped;
    }

    /// <summary>Null when <paramref name="expression"/> compiles with the compiler the catalog
    /// uses, otherwise the compiler's complaint.</summary>
    internal static string? CompileProblem(string expression)
    {
        try
        {
            _ = new FhirPathCompiler(new SymbolTable().AddStandardFP().AddFhirExtensions()).Compile(expression);
            return null;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return e.Message;
        }
    }
}
