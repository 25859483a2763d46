using Samjournal.Fhir.Storage;

namespace Samjournal.Fhir.Interactions;

/// <summary>
/// Who an audit record names, in the store's plain terms: the Access layer fills it from the
/// signed-in caller and the legal basis policy found.
/// </summary>
internal sealed record AuditActor(
    string Kind,
    string Subject,
    string? Name,
    string? HprNumber,
    string? Role,
    string? Organisation,
    string? Unit,
    string Purpose,
    string Basis)
{
    public AuditRow Row(DateTimeOffset at, string action, string interaction, string what, long? patientKey, short outcome = 0, string? detail = null) =>
        new(at, Kind, Subject, Name, HprNumber, Role, Organisation, Unit, Purpose, action, interaction, what, patientKey, Basis, outcome, detail);
}

/// <summary>What the engine knows of the request it serves: whom to name in the audit records
/// that writes make in their own transaction.</summary>
internal sealed record RequestContext(AuditActor Actor);
