using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Clinical.WorkItems;

namespace Samjournal.Clinical.Summary;

/// <summary>
/// Kritisk informasjon: what anyone treating the patient must always see, in one read
/// (<c>$critical-info</c>): allergies and intolerances (CAVE) with their criticality, critical
/// conditions, whether the address is protected, whether this caller's access rests on emergency
/// access (and the open emergency accesses), and critical results still waiting to be signed.
/// Everything is read through the caller's door, so it shows what the caller may see and is audited.
/// </summary>
public static class CriticalInformation
{
    public const string AddressProtectionSystem = "https://samjournal.no/fhir/CodeSystem/address-protection";

    /// <summary>A Condition's category that marks it as critical information whatever its severity
    /// (a bleeding disorder, an implant that rules out MRI).</summary>
    public const string ConditionCategorySystem = "https://samjournal.no/fhir/CodeSystem/condition-category";

    public const string CriticalCategory = "kritisk-informasjon";

    /// <summary>SNOMED CT 24484000 |Severe|: Condition.severity that makes a condition critical.</summary>
    public const string SevereCode = "24484000";

    public static async Task<Parameters> ReadAsync(ScopedRepository repo, string patientId, CancellationToken ct)
    {
        // Read first: a caller without access is refused (403) and audited, not shown an empty summary.
        var stored = await repo.ReadAsync("Patient", patientId, ct);
        return await ReadAsync(repo, (Patient)Samjournal.Fhir.Serialization.FhirFormat.Parse(stored.Json!, Samjournal.Fhir.Serialization.FhirMediaType.Json), ct);
    }

    /// <summary>The summary of a patient the caller has just read through the same door (so the read
    /// that decides access, and its audit record, are not made twice).</summary>
    public static async Task<Parameters> ReadAsync(ScopedRepository repo, Patient patient, CancellationToken ct)
    {
        var subject = "Patient/" + patient.Id;

        var allergies = (await repo.FindAsync("AllergyIntolerance", $"patient={subject}", 1000, ct)).OfType<AllergyIntolerance>()
            .Where(IsInForce)
            .OrderBy(a => a.Criticality == AllergyIntolerance.AllergyIntoleranceCriticality.High ? 0 : 1)
            .ToList();
        var conditions = (await repo.FindAsync("Condition", $"subject={subject}", 1000, ct)).OfType<Condition>().Where(IsCritical).ToList();
        var emergencies = await repo.FindAsync("Task",
            $"code={WorkItemTypes.System}|{WorkItemTypes.EmergencyAccessReview}&patient={subject}&status=requested,ready,in-progress", 100, ct);
        var results = await repo.FindAsync("Task",
            $"code={WorkItemTypes.System}|{WorkItemTypes.ResultSignOff}&patient={subject}&status=requested,ready,in-progress&priority=stat", 100, ct);

        var summary = new Parameters();
        summary.Add("protectedAddress", new Code(ProtectionOf(patient)));
        foreach (var allergy in allergies)
        {
            summary.Parameter.Add(new Parameters.ParameterComponent { Name = "allergy", Resource = allergy });
        }

        foreach (var condition in conditions)
        {
            summary.Parameter.Add(new Parameters.ParameterComponent { Name = "criticalCondition", Resource = condition });
        }

        foreach (var task in emergencies)
        {
            summary.Parameter.Add(new Parameters.ParameterComponent { Name = "emergencyAccess", Resource = task });
        }

        foreach (var task in results.OfType<Hl7.Fhir.Model.Task>())
        {
            summary.Parameter.Add(await CriticalResultAsync(repo, task, ct));
        }

        // Last: every read above may have rested on emergency access.
        summary.Parameter.Insert(1, new Parameters.ParameterComponent { Name = "emergencyAccessInEffect", Value = new FhirBoolean(repo.EmergencyAccessInEffect) });
        return summary;
    }

    private static async Task<Parameters.ParameterComponent> CriticalResultAsync(ScopedRepository repo, Hl7.Fhir.Model.Task task, CancellationToken ct)
    {
        var part = new Parameters.ParameterComponent { Name = "criticalResult" };
        part.Part.Add(new Parameters.ParameterComponent { Name = "task", Resource = task });
        var parts = task.Focus?.Reference?.Split('/');
        if (parts is [var type, var id] && type is "Observation" or "DiagnosticReport"
            && (await repo.FindAsync(type, "_id=" + id, 1, ct)).FirstOrDefault() is { } result)
        {
            part.Part.Add(new Parameters.ParameterComponent { Name = "result", Resource = result });
        }

        return part;
    }

    private static string ProtectionOf(Patient patient) =>
        patient.Meta?.Security.FirstOrDefault(c => c.System == AddressProtectionSystem && c.Code is "fortrolig" or "strengt-fortrolig")?.Code ?? "none";

    private static bool IsInForce(AllergyIntolerance allergy) =>
        Code(allergy.VerificationStatus) is not ("refuted" or "entered-in-error")
        && Code(allergy.ClinicalStatus) is null or "active";

    /// <summary>Critical: in force (active, recurrence or relapse; not refuted or entered in error) and
    /// either severe (SNOMED CT 24484000) or categorised as critical information.</summary>
    private static bool IsCritical(Condition condition) =>
        Code(condition.VerificationStatus) is not ("refuted" or "entered-in-error")
        && Code(condition.ClinicalStatus) is null or "active" or "recurrence" or "relapse"
        && (condition.Severity?.Coding.Any(c => c.System == "http://snomed.info/sct" && c.Code == SevereCode) == true
            || condition.Category.Any(c => c.Coding.Any(k => k.System == ConditionCategorySystem && k.Code == CriticalCategory)));

    private static string? Code(CodeableConcept? concept) => concept?.Coding.FirstOrDefault()?.Code;
}
