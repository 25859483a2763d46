using System.Text.Json.Nodes;
using Samjournal.Fhir.Errors;

namespace Samjournal.Fhir.Patch;

/// <summary>
/// JSON Patch (RFC 6902, <c>application/json-patch+json</c>) as the FHIR PATCH interaction uses it.
/// The whole document is checked before any operation runs, and operations apply to a copy, so a
/// failing patch leaves the caller's document untouched. A malformed patch document is a 400; an
/// operation that cannot apply to this document (missing target, failed <c>test</c>) is a 422.
/// </summary>
public static class JsonPatch
{
    /// <summary>Patches a resource given as UTF-8 JSON; the result must still be a JSON object.</summary>
    public static JsonNode Apply(byte[] resourceJson, JsonNode? patchDocument)
    {
        ArgumentNullException.ThrowIfNull(resourceJson);
        var result = ApplyInPlace(JsonNode.Parse(resourceJson), Parse(patchDocument));
        return result as JsonObject
            ?? throw FhirOperationException.Unprocessable("JSON Patch: the patched resource is no longer a JSON object");
    }

    /// <summary>
    /// Applies <paramref name="patchDocument"/> to a copy of <paramref name="document"/> and returns
    /// the copy. Null stands for the JSON literal <c>null</c>, which a patch of the root may produce.
    /// </summary>
    public static JsonNode? Apply(JsonNode? document, JsonNode? patchDocument)
    {
        var operations = Parse(patchDocument);
        return ApplyInPlace(document?.DeepClone(), operations);
    }

    private static JsonNode? ApplyInPlace(JsonNode? document, List<JsonPatchOperation> operations)
    {
        foreach (var operation in operations)
        {
            document = operation.ApplyTo(document);
        }

        return document;
    }

    private static List<JsonPatchOperation> Parse(JsonNode? patchDocument)
    {
        if (patchDocument is not JsonArray array)
        {
            throw FhirOperationException.BadRequest("JSON Patch: the patch document must be a JSON array of operations");
        }

        var operations = new List<JsonPatchOperation>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            operations.Add(JsonPatchOperation.Parse(i, array[i]));
        }

        return operations;
    }
}
