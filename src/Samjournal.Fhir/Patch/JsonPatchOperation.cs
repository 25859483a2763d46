using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Samjournal.Fhir.Errors;

namespace Samjournal.Fhir.Patch;

/// <summary>One checked operation of a JSON Patch document.</summary>
internal sealed class JsonPatchOperation
{
    private readonly int index;
    private readonly string op;
    private readonly JsonPointer path;
    private readonly JsonPointer? from;
    private readonly JsonNode? value;

    private JsonPatchOperation(int index, string op, JsonPointer path, JsonPointer? from, JsonNode? value)
    {
        this.index = index;
        this.op = op;
        this.path = path;
        this.from = from;
        this.value = value;
    }

    public static JsonPatchOperation Parse(int index, JsonNode? node)
    {
        if (node is not JsonObject obj)
        {
            throw BadRequest(index, "must be a JSON object");
        }

        var op = RequiredString(index, obj, "op");
        var path = RequiredPointer(index, obj, "path");
        JsonPointer? from = null;
        JsonNode? value = null;
        switch (op)
        {
            case "add" or "replace" or "test":
                // Members the operation does not use are ignored (RFC 6902 section 4), but "value"
                // itself must be present: a JSON null value is still a value.
                if (!obj.TryGetPropertyValue("value", out value))
                {
                    throw BadRequest(index, $"'{op}' needs a \"value\"");
                }

                break;
            case "move" or "copy":
                from = RequiredPointer(index, obj, "from");
                break;
            case "remove":
                break;
            default:
                throw BadRequest(index, $"unknown op '{op}'");
        }

        return new JsonPatchOperation(index, op, path, from, value);
    }

    /// <summary>Applies the operation to <paramref name="document"/> in place; returns the new root.</summary>
    public JsonNode? ApplyTo(JsonNode? document)
    {
        switch (op)
        {
            case "add":
                return Add(document, path, value?.DeepClone());
            case "remove":
                Remove(document, path);
                return document;
            case "replace":
                return Replace(document, value?.DeepClone());
            case "move":
                if (path.IsProperChildOf(from!))
                {
                    Fail($"cannot move '{from}' into one of its own children");
                }

                var moved = Get(document, from!);
                if (from!.IsRoot)
                {
                    return moved;
                }

                Remove(document, from);
                return Add(document, path, moved);
            case "copy":
                return Add(document, path, Get(document, from!)?.DeepClone());
            default:
                var actual = Get(document, path);
                if (!JsonEquality.AreEqual(actual, value))
                {
                    Fail($"test failed: the value at '{path}' is {Show(actual)}, not {Show(value)}");
                }

                return document;
        }
    }

    private JsonNode? Add(JsonNode? document, JsonPointer target, JsonNode? newValue)
    {
        if (target.IsRoot)
        {
            return newValue;
        }

        switch (Parent(document, target))
        {
            case JsonObject obj:
                // Adding an existing member replaces it (RFC 6902 section 4.1).
                obj[target.Last] = newValue;
                break;
            case JsonArray array when target.Last == "-":
                array.Add(newValue);
                break;
            case JsonArray array:
                if (!JsonPointer.TryParseIndex(target.Last, array.Count, allowEnd: true, out var at))
                {
                    Fail($"'{target.Last}' is not an index from 0 to {array.Count} in the array at '{target}'");
                }

                array.Insert(at, newValue);
                break;
        }

        return document;
    }

    private void Remove(JsonNode? document, JsonPointer target)
    {
        if (target.IsRoot)
        {
            Fail("cannot remove the whole document");
        }

        switch (Parent(document, target))
        {
            case JsonObject obj:
                if (!obj.Remove(target.Last))
                {
                    Fail($"'{target}' does not exist");
                }

                break;
            case JsonArray array:
                array.RemoveAt(ExistingIndex(array, target));
                break;
        }
    }

    private JsonNode? Replace(JsonNode? document, JsonNode? newValue)
    {
        if (path.IsRoot)
        {
            return newValue;
        }

        switch (Parent(document, path))
        {
            case JsonObject obj:
                if (!obj.ContainsKey(path.Last))
                {
                    Fail($"'{path}' does not exist");
                }

                obj[path.Last] = newValue;
                break;
            case JsonArray array:
                array[ExistingIndex(array, path)] = newValue;
                break;
        }

        return document;
    }

    private JsonNode? Get(JsonNode? document, JsonPointer target)
    {
        if (!target.TryResolve(document, out var found))
        {
            Fail($"'{target}' does not exist");
        }

        return found;
    }

    private JsonNode Parent(JsonNode? document, JsonPointer target) =>
        target.FindParent(document, out var error) ?? throw Unprocessable(error!);

    private int ExistingIndex(JsonArray array, JsonPointer target)
    {
        if (!JsonPointer.TryParseIndex(target.Last, array.Count, allowEnd: false, out var at))
        {
            Fail($"'{target}' does not exist: '{target.Last}' is not an index from 0 to {array.Count - 1}");
        }

        return at;
    }

    private static string Show(JsonNode? node) => node is null ? "null" : node.ToJsonString();

    [DoesNotReturn]
    private void Fail(string reason) => throw Unprocessable(reason);

    private FhirOperationException Unprocessable(string reason) =>
        FhirOperationException.Unprocessable($"JSON Patch operation [{index}] ({op} {Describe(path)}): {reason}");

    private static string Describe(JsonPointer pointer) => pointer.IsRoot ? "\"\"" : pointer.Text;

    private static FhirOperationException BadRequest(int index, string reason) =>
        FhirOperationException.BadRequest($"JSON Patch operation [{index}]: {reason}");

    private static string RequiredString(int index, JsonObject obj, string member)
    {
        if (obj.TryGetPropertyValue(member, out var node) && node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            return v.GetValue<string>();
        }

        throw BadRequest(index, $"\"{member}\" must be a string");
    }

    private static JsonPointer RequiredPointer(int index, JsonObject obj, string member)
    {
        var text = RequiredString(index, obj, member);
        return JsonPointer.TryParse(text)
            ?? throw BadRequest(index, $"\"{member}\" '{text}' is not a JSON Pointer (RFC 6901)");
    }
}
