using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;
using Samjournal.Fhir.Errors;

namespace Samjournal.Fhir.Patch;

internal enum FhirPathPatchType
{
    Add,
    Insert,
    Delete,
    Replace,
    Move,
}

/// <summary>
/// One <c>operation</c> parameter of a FHIRPath Patch, checked for shape: the parts its type needs,
/// no parts it does not use, each of the right datatype. Anything wrong here is a 400.
/// </summary>
internal sealed record FhirPathPatchOperation(
    int Index,
    FhirPathPatchType Type,
    string Path,
    CompiledExpression Select,
    string? Name,
    Parameters.ParameterComponent? Value,
    int? Position,
    int? Source,
    int? Destination)
{
    // Patch paths repeat across requests (clients send the same shapes), so compiled expressions are kept.
    private static readonly FhirPathCompilerCache Compiler =
        new(new FhirPathCompiler(new SymbolTable().AddStandardFP().AddFhirExtensions()), FhirPathCompilerCache.DEFAULT_FP_EXPRESSION_CACHE_SIZE);

    private static readonly Dictionary<string, (FhirPathPatchType Type, string[] Parts)> Shapes = new(StringComparer.Ordinal)
    {
        ["add"] = (FhirPathPatchType.Add, ["type", "path", "name", "value"]),
        ["insert"] = (FhirPathPatchType.Insert, ["type", "path", "index", "value"]),
        ["delete"] = (FhirPathPatchType.Delete, ["type", "path"]),
        ["replace"] = (FhirPathPatchType.Replace, ["type", "path", "value"]),
        ["move"] = (FhirPathPatchType.Move, ["type", "path", "source", "destination"]),
    };

    /// <summary>The FHIRPath of this operation in the patch document, for OperationOutcome.issue.expression.</summary>
    public string Expression => $"Parameters.parameter[{Index}]";

    public static List<FhirPathPatchOperation> ParseAll(Parameters patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return [.. patch.Parameter.Select(Parse)];
    }

    public FhirOperationException Unprocessable(string reason) =>
        FhirOperationException.Unprocessable(
            $"FHIRPath Patch operation [{Index}] ({Type.ToString().ToLowerInvariant()} at '{Path}'): {reason}", Expression);

    private static FhirPathPatchOperation Parse(Parameters.ParameterComponent parameter, int index)
    {
        if (!string.Equals(parameter.Name, "operation", StringComparison.Ordinal))
        {
            throw BadRequest(index, $"the parameter is named '{parameter.Name}', not 'operation'");
        }

        if (parameter.Value is not null || parameter.Resource is not null)
        {
            throw BadRequest(index, "an operation has parts only, not a value or resource of its own");
        }

        var parts = new Dictionary<string, Parameters.ParameterComponent>(StringComparer.Ordinal);
        foreach (var part in parameter.Part)
        {
            if (part.Name is null || !parts.TryAdd(part.Name, part))
            {
                throw BadRequest(index, part.Name is null ? "a part has no name" : $"the part '{part.Name}' is given twice");
            }
        }

        var typeCode = parts.TryGetValue("type", out var typePart) ? StringValue(index, typePart) : null;
        if (typeCode is null || !Shapes.TryGetValue(typeCode, out var shape))
        {
            throw BadRequest(index, typeCode is null
                ? "the part 'type' is missing"
                : $"the type '{typeCode}' is not one of add, insert, delete, replace, move");
        }

        var missing = shape.Parts.FirstOrDefault(p => !parts.ContainsKey(p));
        if (missing is not null)
        {
            throw BadRequest(index, $"'{typeCode}' needs the part '{missing}'");
        }

        var unused = parts.Keys.FirstOrDefault(p => !shape.Parts.Contains(p, StringComparer.Ordinal));
        if (unused is not null)
        {
            throw BadRequest(index, $"'{typeCode}' does not take the part '{unused}'");
        }

        var path = StringValue(index, parts["path"]);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw BadRequest(index, "the part 'path' is empty");
        }

        CompiledExpression select;
        try
        {
            select = Compiler.GetCompiledExpression(path);
        }
        catch (Exception e)
        {
            throw BadRequest(index, $"the path '{path}' is not a valid FHIRPath expression: {e.Message}");
        }

        var name = parts.TryGetValue("name", out var namePart) ? StringValue(index, namePart) : null;
        if (name is not null && name.Length == 0)
        {
            throw BadRequest(index, "the part 'name' is empty");
        }

        var value = parts.GetValueOrDefault("value");
        if (value is not null)
        {
            CheckValue(index, value);
        }

        return new FhirPathPatchOperation(
            index,
            shape.Type,
            path,
            select,
            name,
            value,
            IndexValue(index, parts, "index"),
            IndexValue(index, parts, "source"),
            IndexValue(index, parts, "destination"));
    }

    /// <summary>A value is a datatype, a resource, or (for anonymous types) named parts, recursively.</summary>
    private static void CheckValue(int index, Parameters.ParameterComponent value)
    {
        var kinds = (value.Value is null ? 0 : 1) + (value.Resource is null ? 0 : 1) + (value.Part.Count == 0 ? 0 : 1);
        if (kinds != 1)
        {
            throw BadRequest(index, $"the part '{value.Name}' must have exactly one of value[x], resource or parts");
        }

        foreach (var part in value.Part)
        {
            if (string.IsNullOrEmpty(part.Name))
            {
                throw BadRequest(index, $"a part inside '{value.Name}' has no name");
            }

            CheckValue(index, part);
        }
    }

    private static string? StringValue(int index, Parameters.ParameterComponent part) =>
        part.Value is PrimitiveType { JsonValue: string text }
            ? text
            : throw BadRequest(index, $"the part '{part.Name}' must be a valueCode or valueString");

    private static int? IndexValue(int index, Dictionary<string, Parameters.ParameterComponent> parts, string name)
    {
        if (!parts.TryGetValue(name, out var part))
        {
            return null;
        }

        return part.Value is Integer { Value: >= 0 and var position }
            ? position
            : throw BadRequest(index, $"the part '{name}' must be a valueInteger of 0 or more");
    }

    private static FhirOperationException BadRequest(int index, string reason) =>
        FhirOperationException.BadRequest($"FHIRPath Patch operation [{index}]: {reason}", $"Parameters.parameter[{index}]");
}
