using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Storage;

namespace Samjournal.Fhir.Interactions;

/// <summary>The result of a write: the status the REST layer answers with, the version now
/// current (null when nothing existed to delete), and the resource as stored.</summary>
public sealed record WriteOutcome(HttpStatusCode Status, StoredVersion? Version, Resource? Resource);
