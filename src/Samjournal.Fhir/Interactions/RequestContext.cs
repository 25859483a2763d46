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
/// that writes make in their own transaction, and what the caller may see and change
/// (<paramref name="Access"/>; null: unrestricted).</summary>
internal sealed record RequestContext(AuditActor Actor, Policy.AccessFilter? Access = null)
{
    /// <summary>Refusals inside a batch, whose entries fail one by one without failing the request:
    /// the Access layer audits them when the batch is done.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<AccessDeniedException> BatchDenials { get; } = new();

    /// <summary>Refusal of a resource in a patient's record the caller has no access to.</summary>
    public static AccessDeniedException NoAccess(string what, long? patientKey) => new(
        $"You have no care relationship with the patient whose record holds {what}. If the patient needs care now, emergency access (akuttilgang) can be requested with a reason.",
        patientKey);
}

/// <summary>A 403 for a patient's record: the audit record of the denial names the patient.</summary>
internal sealed class AccessDeniedException(string message, long? patientKey)
    : Errors.FhirOperationException(System.Net.HttpStatusCode.Forbidden, Hl7.Fhir.Model.OperationOutcome.IssueType.Forbidden, message)
{
    public long? PatientKey { get; } = patientKey;
}
