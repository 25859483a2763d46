using System.Text.Json.Nodes;
using Hl7.Fhir.Model;

namespace Samjournal.Fhir.Patch;

// Interim: replaced by the patch branch.
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode resource, JsonNode patch) => resource;
}

public static class FhirPathPatch
{
    public static Resource Apply(Resource resource, Parameters patch) => resource;
}
