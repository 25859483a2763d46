using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Interactions;

namespace Samjournal.Fhir.Search;

/// <summary>
/// Reads _include and _revinclude (search.html#include): <c>Type:param[:TargetType]</c>,
/// <c>Type:*</c> (every reference parameter of Type), <c>*</c> (every reference of the matches, or
/// for _revinclude every resource that refers to them), each optionally <c>:iterate</c>.
/// </summary>
internal static class IncludeParser
{
    public static bool IsInclude(string name) =>
        name.StartsWith("_include", StringComparison.Ordinal) || name.StartsWith("_revinclude", StringComparison.Ordinal);

    public static List<IncludeSpec> Parse(string type, IEnumerable<KeyValuePair<string, string>> parameters, bool strict, List<string> ignored, Indexing.SearchParameterCatalog catalog)
    {
        var specs = new List<IncludeSpec>();
        foreach (var (name, value) in parameters.Where(p => IsInclude(p.Key)))
        {
            var (spec, problem) = Read(catalog, type, name, value);
            if (problem is not null)
            {
                if (strict)
                {
                    throw FhirOperationException.BadRequest(problem);
                }

                ignored.Add(problem);
                continue;
            }

            if (!specs.Contains(spec!))
            {
                specs.Add(spec!);
            }
        }

        return specs;
    }

    private static (IncludeSpec? Spec, string? Problem) Read(Indexing.SearchParameterCatalog catalog, string type, string name, string value)
    {
        var reverse = name.StartsWith("_revinclude", StringComparison.Ordinal);
        var bare = reverse ? "_revinclude" : "_include";
        var iterate = name == bare + ":iterate";
        if (name != bare && !iterate)
        {
            return (null, $"'{name}' is not supported: use {bare} or {bare}:iterate.");
        }

        if (value == "*")
        {
            return (new IncludeSpec(reverse, "*", "*", null) { Iterate = iterate }, null);
        }

        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3)
        {
            return (null, $"{name}={value} is not supported: use Type:parameter, Type:parameter:TargetType, Type:* or *.");
        }

        if (!ResourceIds.IsKnownType(parts[0]) || (parts.Length == 3 && !ResourceIds.IsKnownType(parts[2])))
        {
            return (null, $"{name}={value} names a type that is not a FHIR R4 resource type.");
        }

        if (!reverse && !iterate && parts[0] != type)
        {
            return (null, $"_include={value} must start with the searched type {type} (or use _include:iterate).");
        }

        if (parts[1] != "*" && catalog.Unavailable(parts[0], parts[1]) is { } indexing)
        {
            return (null, $"{name}={value}: {indexing}");
        }

        if (parts[1] != "*" && catalog.Find(parts[0], parts[1]) is not { Type: SearchParamType.Reference })
        {
            return (null, $"{name}={value}: '{parts[1]}' is not a reference parameter of {parts[0]}.");
        }

        return (new IncludeSpec(reverse, parts[0], parts[1], parts.Length == 3 ? parts[2] : null) { Iterate = iterate }, null);
    }
}
