using System.Collections;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Samjournal.Fhir.Errors;

namespace Samjournal.Fhir.Patch;

/// <summary>
/// FHIRPath Patch (fhirpatch.html): a Parameters resource of add, insert, delete, replace and move
/// operations whose paths are FHIRPath expressions. Paths are evaluated with Firely's FHIRPath engine
/// over <see cref="PocoNode"/>s, which know their parent, element name and list index, so each
/// operation edits the POCO in place. The whole patch is checked before any operation runs and
/// applies to a copy: a malformed patch is a 400, an operation that does not fit the resource a 422.
/// </summary>
public static class FhirPathPatch
{
    public static Resource Apply(Resource resource, Parameters patch)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var operations = FhirPathPatchOperation.ParseAll(patch);
        var result = (Resource)resource.DeepCopy();
        foreach (var operation in operations)
        {
            ApplyOne(result, operation);
        }

        return result;
    }

    private static void ApplyOne(Resource resource, FhirPathPatchOperation operation)
    {
        var nodes = Select(resource, operation);
        switch (operation.Type)
        {
            case FhirPathPatchType.Add:
                Add(resource, Single(nodes, operation), operation);
                break;
            case FhirPathPatchType.Insert:
                Insert(nodes, operation);
                break;
            case FhirPathPatchType.Delete:
                Delete(nodes, operation);
                break;
            case FhirPathPatchType.Replace:
                Replace(Single(nodes, operation), operation);
                break;
            case FhirPathPatchType.Move:
                Move(nodes, operation);
                break;
        }
    }

    private static void Add(Resource resource, PocoNode target, FhirPathPatchOperation operation)
    {
        if (target.Parent is null && !ReferenceEquals(target.Poco, resource))
        {
            throw operation.Unprocessable("the path does not select an element of the resource");
        }

        var owner = target.Poco;
        var property = FhirPatchValue.Property(owner, operation.Name!)
            ?? throw operation.Unprocessable($"a {owner.TypeName} has no element '{operation.Name}'");
        var value = FhirPatchValue.Create(operation.Value!, property, operation);
        if (property.IsCollection)
        {
            FhirPatchValue.List(owner, property).Add(value);
        }
        else if (owner.TryGetValue(property.Name, out var existing) && existing is not null)
        {
            throw operation.Unprocessable($"'{property.Name}' already has a value; add only fills an empty single element (use replace)");
        }
        else
        {
            owner.SetValue(property.Name, value);
        }
    }

    private static void Insert(List<PocoNode> nodes, FhirPathPatchOperation operation)
    {
        var list = TheList(nodes, operation);
        var at = operation.Position!.Value;
        if (at > list.Count)
        {
            throw operation.Unprocessable($"index {at} is past the end of the list of {list.Count}");
        }

        var (_, property) = Element(nodes[0], operation);
        list.Insert(at, FhirPatchValue.Create(operation.Value!, property, operation));
    }

    private static void Delete(List<PocoNode> nodes, FhirPathPatchOperation operation)
    {
        // Deleting what is not there is not an error; deleting more than one element at once is.
        if (nodes.Count == 0)
        {
            return;
        }

        var node = Single(nodes, operation);
        Detach(node, operation);

        // An element left with neither value nor children may not appear in a resource, so the
        // emptied ancestors go too (deleting Patient.contact[0].name.text can remove the name).
        for (var parent = node.Parent; parent?.Parent is not null && IsEmpty(parent.Poco); parent = parent.Parent)
        {
            Detach(parent, operation);
        }
    }

    private static void Replace(PocoNode target, FhirPathPatchOperation operation)
    {
        var (owner, property) = Element(target, operation);
        var value = FhirPatchValue.Create(operation.Value!, property, operation);
        if (target.Index is int index && property.IsCollection)
        {
            FhirPatchValue.List(owner, property)[index] = value;
        }
        else
        {
            owner.SetValue(property.Name, value);
        }
    }

    private static void Move(List<PocoNode> nodes, FhirPathPatchOperation operation)
    {
        var list = TheList(nodes, operation);
        var (source, destination) = (operation.Source!.Value, operation.Destination!.Value);
        if (source >= list.Count || destination >= list.Count)
        {
            throw operation.Unprocessable($"source {source} and destination {destination} must both be below the list size {list.Count}");
        }

        var item = list[source];
        list.RemoveAt(source);
        list.Insert(destination, item);
    }

    private static List<PocoNode> Select(Resource resource, FhirPathPatchOperation operation)
    {
        var root = resource.ToPocoNode(ModelInfo.ModelInspector);
        try
        {
            return [.. operation.Select([root], new EvaluationContext { Resource = root, RootResource = root })];
        }
        catch (Exception e)
        {
            throw operation.Unprocessable($"evaluating the path failed: {e.Message}");
        }
    }

    private static PocoNode Single(List<PocoNode> nodes, FhirPathPatchOperation operation) => nodes.Count switch
    {
        1 => nodes[0],
        0 => throw NoContent(operation),
        _ => throw operation.Unprocessable($"the path matches {nodes.Count} elements; it must match exactly one"),
    };

    /// <summary>The one list that every node of <paramref name="nodes"/> is an item of.</summary>
    private static IList TheList(List<PocoNode> nodes, FhirPathPatchOperation operation)
    {
        if (nodes.Count == 0)
        {
            throw NoContent(operation);
        }

        var first = nodes[0];
        var (owner, property) = Element(first, operation);
        if (!property.IsCollection)
        {
            throw operation.Unprocessable($"'{first.Name}' is not a list");
        }

        if (nodes.Any(n => n.Parent is null || !ReferenceEquals(n.Parent.Poco, owner) || !string.Equals(n.Name, first.Name, StringComparison.Ordinal)))
        {
            throw operation.Unprocessable("the path matches elements of more than one list; it must match one list");
        }

        return FhirPatchValue.List(owner, property);
    }

    private static FhirOperationException NoContent(FhirPathPatchOperation operation) =>
        operation.Unprocessable($"No content found at {operation.Path}");

    /// <summary>The element that holds <paramref name="node"/>, and how it holds it.</summary>
    private static (Base Owner, PropertyMapping Property) Element(PocoNode node, FhirPathPatchOperation operation)
    {
        // FHIRPath can also produce values that are not elements of the resource (literals, function results).
        var owner = node.Parent?.Poco;
        var property = owner is null ? null : FhirPatchValue.Property(owner, node.Name);
        return owner is null || property is null
            ? throw operation.Unprocessable("the path does not select an element of the resource")
            : (owner, property);
    }

    private static void Detach(PocoNode node, FhirPathPatchOperation operation)
    {
        var (owner, property) = Element(node, operation);
        if (node.Index is int index && property.IsCollection)
        {
            FhirPatchValue.List(owner, property).RemoveAt(index);
        }
        else
        {
            owner.SetValue(property.Name, null);
        }
    }

    // A primitive's own value is not among its enumerated elements, so it is checked by itself.
    private static bool IsEmpty(Base element) =>
        element is not PrimitiveType { JsonValue: not null }
        && !element.EnumerateElements().Any(e => e.Value is not null and not IList { Count: 0 });
}
