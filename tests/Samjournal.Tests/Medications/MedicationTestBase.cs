using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Clinical.Medications;
using Samjournal.Clinical.Medications.Checks;
using Samjournal.Clinical.Medications.Dosing;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Medications;

/// <summary>What the medication behaviour tests share: a fresh patient per test, allergies and
/// prescriptions written over HTTP, and reading findings out of an OperationOutcome.</summary>
public abstract class MedicationTestBase(SamjournalHost host) : RestTestBase(host)
{
    protected static DosageRegimen DailyMg(decimal mg) => new(new Interval(1, IntervalUnit.Day, DoseAmount.Mg(mg)));

    protected async Task<string> PatientAsync() => (await CreateAsync(NewPatient())).Id;

    protected static AllergyIntolerance Allergy(string patientId, string atc, string verification = "confirmed") => new()
    {
        ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"),
        VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", verification),
        Category = [AllergyIntolerance.AllergyIntoleranceCategory.Medication],
        Code = new CodeableConcept(AtcCode.System, atc),
        Patient = new ResourceReference("Patient/" + patientId),
    };

    protected async Task<string> AllergyAsync(string patientId, string atc, string verification = "confirmed") =>
        (await (await Client.PostAsync("AllergyIntolerance", FhirClientExtensions.Json(Allergy(patientId, atc, verification)))).ExpectAsync<AllergyIntolerance>(HttpStatusCode.Created)).Id;

    protected static MedicationRequest Prescription(string patientId, string atc, DosageRegimen? dosage = null, params Extension[] overrides) => new()
    {
        Status = MedicationRequest.MedicationrequestStatus.Active,
        Intent = MedicationRequest.MedicationRequestIntent.Order,
        Subject = new ResourceReference("Patient/" + patientId),
        Medication = new CodeableConcept(AtcCode.System, atc),
        DosageInstruction = dosage is null ? [] : DosageFhir.ToFhir(dosage),
        Extension = [.. overrides],
    };

    protected Task<HttpResponseMessage> PostAsync(MedicationRequest prescription) =>
        Client.PostAsync("MedicationRequest", FhirClientExtensions.Json(prescription));

    protected async Task<MedicationRequest> PrescribeAsync(MedicationRequest prescription) =>
        await (await PostAsync(prescription)).ExpectAsync<MedicationRequest>(HttpStatusCode.Created);

    /// <summary>The findings with this code in an outcome, with their severity and the resource they conflict with.</summary>
    protected static List<(OperationOutcome.IssueSeverity? Severity, string? ConflictsWith)> Findings(OperationOutcome outcome, string code) =>
        [.. outcome.Issue
            .Where(i => i.Details?.Coding.Any(c => c.System == FindingCodes.System && c.Code == code) == true)
            .Select(i => (i.Severity, (i.GetExtensionValue<ResourceReference>(PrescribingOutcome.ConflictUrl))?.Reference))];

    protected async Task<OperationOutcome> CheckAsync(Resource body, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = await Client.PostAsync("MedicationRequest/$check-prescription", FhirClientExtensions.Json(body));
        return status == HttpStatusCode.OK ? await response.ExpectAsync<OperationOutcome>(status) : await response.ExpectOutcomeAsync(status);
    }
}
