using System.Text.Json.Nodes;
using Hl7.Fhir.Model;

namespace Samjournal.Fhir.Interactions;

/// <summary>A PATCH body: JSON Patch (RFC 6902) or FHIRPath Patch (a Parameters resource).</summary>
public abstract record PatchDocument;

public sealed record JsonPatchDocument(JsonNode Operations) : PatchDocument;

public sealed record FhirPathPatchDocument(Parameters Operations) : PatchDocument;
