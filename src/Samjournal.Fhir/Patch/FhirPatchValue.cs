using System.Collections;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace Samjournal.Fhir.Patch;

/// <summary>
/// Turns the <c>value</c> part of a FHIRPath Patch operation into the POCO that the target element
/// holds, using the model's class mappings: a datatype as given, a primitive re-typed where the
/// Parameters datatype differs from the element's (valueCode into a bound <c>Code&lt;T&gt;</c>,
/// valueString into <c>xhtml</c>), and named parts built into the element's (anonymous) type.
/// </summary>
internal static class FhirPatchValue
{
    private static ModelInspector Inspector => ModelInfo.ModelInspector;

    /// <summary>The element <paramref name="name"/> of <paramref name="owner"/>; a choice may be named with or without its type suffix.</summary>
    public static PropertyMapping? Property(Base owner, string name)
    {
        var mapping = Inspector.FindOrImportClassMapping(owner.GetType());
        return mapping?.FindMappedElementByName(name) ?? mapping?.FindMappedElementByChoiceName(name);
    }

    /// <summary>The list held by a repeating element, created when the element is still empty.</summary>
    public static IList List(Base owner, PropertyMapping property)
    {
        if (owner.TryGetValue(property.Name, out var current) && current is IList list)
        {
            return list;
        }

        var created = Inspector.FindOrImportClassMapping(property.ImplementingType)!.CreateList();
        owner.SetValue(property.Name, created);
        return created;
    }

    public static Base Create(Parameters.ParameterComponent value, PropertyMapping property, FhirPathPatchOperation operation)
    {
        if (value.Value is DataType data)
        {
            return Fit((DataType)data.DeepCopy(), property, operation);
        }

        if (value.Resource is Resource resource)
        {
            return property.ImplementingType.IsInstanceOfType(resource)
                ? resource.DeepCopy()
                : throw operation.Unprocessable($"'{property.Name}' cannot hold a resource");
        }

        return Build(value.Part, property, operation);
    }

    private static Base Fit(DataType value, PropertyMapping property, FhirPathPatchOperation operation)
    {
        var allowed = property.Choice == ChoiceType.DatatypeChoice ? property.FhirType : [property.ImplementingType];
        if (allowed.Any(t => t.IsInstanceOfType(value)))
        {
            return value;
        }

        // Parameters has one value[x] per FHIR type, while POCOs type some elements more finely
        // (Code<AdministrativeGender> for Patient.gender): same literal, re-typed.
        if (value is PrimitiveType given && allowed.Length == 1 && typeof(PrimitiveType).IsAssignableFrom(allowed[0]))
        {
            var fitted = (PrimitiveType)Inspector.FindOrImportClassMapping(allowed[0])!.CreateInstance();
            fitted.JsonValue = given.JsonValue;
            fitted.ElementId = given.ElementId;
            fitted.Extension = given.Extension;
            if (fitted.HasValidValue())
            {
                return fitted;
            }

            throw operation.Unprocessable($"'{given}' is not a valid {fitted.TypeName} for '{property.Name}'");
        }

        var expected = string.Join(" or ", allowed.Select(t => Inspector.GetFhirTypeNameForType(t) ?? t.Name));
        throw operation.Unprocessable($"'{property.Name}' takes {expected}, not {value.TypeName}");
    }

    private static Base Build(List<Parameters.ParameterComponent> parts, PropertyMapping property, FhirPathPatchOperation operation)
    {
        var mapping = Inspector.FindOrImportClassMapping(property.ImplementingType);
        if (mapping is null || mapping.IsFhirPrimitive || mapping.IsAbstract == true || property.Choice != ChoiceType.None)
        {
            throw operation.Unprocessable($"'{property.Name}' needs a value[x]; parts only build anonymous and complex types");
        }

        var instance = mapping.CreateInstance();
        foreach (var part in parts)
        {
            // Every part has a name: FhirPathPatchOperation checked that before anything applied.
            var child = Property(instance, part.Name!)
                ?? throw operation.Unprocessable($"a {mapping.Name} has no element '{part.Name}'");
            var value = Create(part, child, operation);
            if (child.IsCollection)
            {
                List(instance, child).Add(value);
            }
            else if (instance.TryGetValue(child.Name, out var existing) && existing is not null)
            {
                throw operation.Unprocessable($"'{part.Name}' is given twice for the single element {mapping.Name}.{child.Name}");
            }
            else
            {
                instance.SetValue(child.Name, value);
            }
        }

        return instance;
    }
}
