using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;

namespace Samjournal.Fhir.Indexing;

/// <summary>
/// Extracts the search index entries of a resource at write time: every parameter of the
/// <see cref="SearchParameterCatalog"/> for its type is evaluated and its values are converted by
/// FHIR type into the typed entries of <see cref="IndexEntries"/>.
/// </summary>
/// <remarks>
/// Never throws for a parameter: one that fails is recorded in <see cref="IndexEntries.Errors"/>
/// (parameter code and exception type only, never values) with any entries it had produced
/// removed, and the other parameters are still indexed. The caller logs the errors.
/// </remarks>
public static partial class IndexExtractor
{
    public static IndexEntries Extract(Resource resource) => Extract(resource, SearchParameterCatalog.Instance);

    public static IndexEntries Extract(Resource resource, SearchParameterCatalog catalog) => Extract(resource, catalog, useDirectPaths: true);

    /// <param name="useDirectPaths">False evaluates every parameter with the FHIRPath engine: for the
    /// test that holds <see cref="DirectPath"/> to the engine's results.</param>
    internal static IndexEntries Extract(Resource resource, SearchParameterCatalog catalog, bool useDirectPaths)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(catalog);

        var entries = Extract(resource, catalog.For(resource.TypeName), useDirectPaths);
        try
        {
            TextSearch.Extract(resource, entries);
        }
        catch (Exception e)
        {
            entries.Texts.Clear();
            entries.Errors.Add(new IndexExtractionError(TextSearch.Content, e.GetType().Name));
        }

        return entries;
    }

    /// <summary>Only the given parameters (of the resource's type), without _text/_content: what a
    /// reindex job needs.</summary>
    internal static IndexEntries Extract(Resource resource, IReadOnlyList<IndexedSearchParameter> parameters, bool useDirectPaths = true)
    {
        var entries = new IndexEntries();
        if (parameters.Count == 0)
        {
            return entries;
        }

        // The FHIRPath engine gets one node tree per resource, built only if some parameter needs it:
        // converting per parameter was the main cost in measurements.
        PocoNode[]? input = null;
        FhirEvaluationContext? context = null;
        var values = new List<Base>();

        foreach (var parameter in parameters)
        {
            var mark = new Mark(entries);
            try
            {
                values.Clear();
                if (useDirectPaths && parameter.DirectComposite)
                {
                    AddComposites(entries.Composites, parameter, resource);
                    continue;
                }

                if (useDirectPaths && parameter.Direct is { } direct && parameter.Components.Count == 0)
                {
                    direct.Evaluate(resource, values);
                }
                else
                {
                    if (input is null)
                    {
                        var root = resource.ToPocoNode();
                        // ElementResolver is declared non-null, but Firely treats a null result as
                        // "cannot resolve", which is what ReferenceStubs means by it.
                        input = [root];
                        context = new FhirEvaluationContext { ElementResolver = ReferenceStubs.Resolve!, Resource = root, RootResource = root };
                    }

                    if (parameter.Components.Count > 0)
                    {
                        AddComposites(entries.Composites, parameter, input, context!);
                        continue;
                    }

                    foreach (var node in parameter.Compiled(input, context!))
                    {
                        values.Add(node.Poco);
                    }
                }

                foreach (var value in values)
                {
                    Add(entries, parameter, value);
                }
            }
            catch (Exception e)
            {
                mark.Rollback(entries);
                entries.Errors.Add(new IndexExtractionError(parameter.Code, e.GetType().Name));
            }
        }

        return entries;
    }

    private static void Add(IndexEntries entries, IndexedSearchParameter parameter, Base value) =>
        Add(entries, parameter.Code, parameter.Type, value);

    private static void Add(IndexEntries entries, string code, SearchParamType type, Base value)
    {
        switch (type)
        {
            case SearchParamType.Token:
                AddToken(entries.Tokens, code, value);
                break;
            case SearchParamType.String:
                AddString(entries.Strings, code, value);
                break;
            case SearchParamType.Reference:
                AddReference(entries.References, code, value);
                break;
            case SearchParamType.Date:
                AddDate(entries.Dates, code, value);
                break;
            case SearchParamType.Number:
                AddNumber(entries.Numbers, code, value);
                break;
            case SearchParamType.Quantity:
                AddQuantity(entries.Quantities, code, value);
                break;
            case SearchParamType.Uri:
                if (Text(value) is { } uri)
                {
                    entries.Uris.Add(new UriEntry(code, uri));
                }

                break;
        }
    }

    /// <summary>The string form of a primitive, or null for complex values and empty primitives.</summary>
    private static string? Text(Base value) => value switch
    {
        FhirBoolean b => b.Value is { } v ? (v ? "true" : "false") : null,
        PrimitiveType p => p.JsonValue switch
        {
            string s => s.Length > 0 ? s : null,
            null => null,
            _ => p.ToString(),
        },
        _ => null,
    };

    /// <summary>The list sizes before a parameter, so a parameter that fails halfway leaves none of
    /// its entries behind.</summary>
    private readonly struct Mark(IndexEntries e)
    {
        private readonly int tokens = e.Tokens.Count, strings = e.Strings.Count, references = e.References.Count,
            dates = e.Dates.Count, numbers = e.Numbers.Count, quantities = e.Quantities.Count, uris = e.Uris.Count,
            composites = e.Composites.Count;

        public void Rollback(IndexEntries e)
        {
            Truncate(e.Tokens, tokens);
            Truncate(e.Strings, strings);
            Truncate(e.References, references);
            Truncate(e.Dates, dates);
            Truncate(e.Numbers, numbers);
            Truncate(e.Quantities, quantities);
            Truncate(e.Uris, uris);
            Truncate(e.Composites, composites);
        }

        private static void Truncate<T>(List<T> list, int count) => list.RemoveRange(count, list.Count - count);
    }
}
