using Samjournal.Fhir.Storage;

namespace Samjournal.Fhir.Search;

/// <summary>
/// One page of <c>Patient/{id}/$everything</c> (patient-operation-everything.html): the patient,
/// every current resource in its compartment, and the current resources those refer to that are in
/// no patient's compartment. <paramref name="Since"/>: only resources last updated at or after it;
/// <paramref name="Types"/>: only these types (null: all). Paged by key after <paramref name="AfterCursor"/>.
/// </summary>
public sealed record EverythingRequest(string PatientId, DateTimeOffset? Since, IReadOnlyList<string>? Types, int Count, long? AfterCursor);

/// <summary>One resource of a $everything page: <paramref name="InCompartment"/> is false for a
/// resource outside the compartment that is there because the patient's record refers to it.</summary>
public sealed record EverythingEntry(StoredVersion Resource, bool InCompartment);

/// <summary>A page of $everything, each resource once, in key order, with the next page's cursor.</summary>
public sealed record EverythingPage(IReadOnlyList<EverythingEntry> Entries, long? NextCursor);
