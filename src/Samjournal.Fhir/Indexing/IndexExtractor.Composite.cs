using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;

namespace Samjournal.Fhir.Indexing;

public static partial class IndexExtractor
{
    /// <summary>
    /// The tuples of a composite parameter: for each element its expression selects, every
    /// combination of the components' values evaluated on that element alone (search.html#composite).
    /// A code with three codings and one value makes three tuples; an element missing a component
    /// makes none.
    /// </summary>
    private static void AddComposites(List<CompositeEntry> composites, IndexedSearchParameter parameter, PocoNode[] input, FhirEvaluationContext context)
    {
        foreach (var element in parameter.Compiled(input, context))
        {
            PocoNode[] focus = [element];
            AddTuples(composites, parameter, component => component.Compiled(focus, context).Select(node => node.Poco));
        }
    }

    /// <summary>The same tuples with the element and component expressions evaluated by
    /// <see cref="DirectPath"/>: a composite then costs about as much as its components.</summary>
    private static void AddComposites(List<CompositeEntry> composites, IndexedSearchParameter parameter, Resource resource)
    {
        var elements = new List<Base>();
        parameter.Direct!.Evaluate(resource, elements);
        foreach (var element in elements)
        {
            AddTuples(composites, parameter, component =>
            {
                var values = new List<Base>();
                component.Direct!.Evaluate(element, values);
                return values;
            });
        }
    }

    /// <summary>The tuples of one element, given how to evaluate a component on it.</summary>
    private static void AddTuples(List<CompositeEntry> composites, IndexedSearchParameter parameter, Func<CompositeComponent, IEnumerable<Base>> componentValues)
    {
        var tuples = new List<CompositePart[]> { Array.Empty<CompositePart>() };
        foreach (var component in parameter.Components)
        {
            var values = new IndexEntries();
            foreach (var value in componentValues(component))
            {
                Add(values, component.Code, component.Type, value);
            }

            var parts = Parts(values);
            tuples = [.. tuples.SelectMany(t => parts.Select(p => (CompositePart[])[.. t, p]))];
            if (tuples.Count == 0)
            {
                return;
            }
        }

        composites.AddRange(tuples.Select(t => new CompositeEntry(parameter.Code, t)));
    }

    /// <summary>A component's values in composite form. A CodeableConcept's text alone is no
    /// code, and composites take no <c>:text</c>, so it is left out.</summary>
    private static List<CompositePart> Parts(IndexEntries values) =>
    [
        .. values.Tokens.Where(t => t.System is not null || t.Code is not null).Select(CompositePart.Of),
        .. values.Quantities.Select(CompositePart.Of),
        .. values.Numbers.Select(CompositePart.Of),
        .. values.Dates.Select(CompositePart.Of),
        .. values.Strings.Select(CompositePart.Of),
        .. values.References.Select(CompositePart.Of),
        .. values.Uris.Select(CompositePart.Of),
    ];
}
