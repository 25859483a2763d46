using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Clinical.Medications.Checks;
using Samjournal.Clinical.Medications.Dosing;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Medications;

/// <summary>
/// <c>$check-prescription</c> gives clients the findings the write path acts on, saving nothing;
/// bad input gets a 4xx OperationOutcome that names what is wrong.
/// </summary>
public abstract class CheckPrescriptionBehaviour(SamjournalHost host) : MedicationTestBase(host)
{
    [Fact]
    public async Task The_operation_returns_the_same_findings_a_write_refuses_with_and_saves_nothing()
    {
        var patient = await PatientAsync();
        var allergy = await AllergyAsync(patient, "M01A");
        var warfarin = await PrescribeAsync(Prescription(patient, "B01AA03", DailyMg(5)));
        var ibuprofen = Prescription(patient, "M01AE01", DailyMg(3200));

        var before = await NewestVersionAsync();
        var checkedAlone = await CheckAsync(ibuprofen);
        var inParameters = await CheckAsync(new Parameters { Parameter = [new Parameters.ParameterComponent { Name = "resource", Resource = ibuprofen }] });
        Assert.Equal(before, await NewestVersionAsync());

        var refused = await (await PostAsync(ibuprofen)).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(Summary(refused), Summary(checkedAlone));
        Assert.Equal(Summary(refused), Summary(inParameters));
        Assert.Equal(
            [
                (FindingCodes.Allergy, OperationOutcome.IssueSeverity.Error, $"AllergyIntolerance/{allergy}"),
                (FindingCodes.MaximumDose, OperationOutcome.IssueSeverity.Error, null),
                (FindingCodes.Interaction, OperationOutcome.IssueSeverity.Error, $"MedicationRequest/{warfarin.Id}"),
            ],
            Summary(checkedAlone));
        Assert.All(checkedAlone.Issue, i => Assert.False(string.IsNullOrWhiteSpace(i.Details.Text)));
    }

    [Fact]
    public async Task An_overridden_stop_is_reported_as_a_warning_with_its_reason()
    {
        var patient = await PatientAsync();
        await AllergyAsync(patient, "N02BE01");
        var outcome = await CheckAsync(Prescription(patient, "N02BE01", DailyMg(1000), PrescribingOverride.Extension(FindingCodes.Allergy, "Intoleranse var kvalme; akseptert av pasienten.")));

        var issue = Assert.Single(outcome.Issue);
        Assert.Equal(OperationOutcome.IssueSeverity.Warning, issue.Severity);
        Assert.Contains("akseptert av pasienten", issue.Details.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prescription_with_nothing_to_report_gets_one_information_issue()
    {
        var patient = await PatientAsync();
        var outcome = await CheckAsync(Prescription(patient, "N02BE01", new DosageRegimen(new AsNeeded(DoseAmount.Mg(1000), DoseAmount.Mg(3000)))));
        Assert.Equal(OperationOutcome.IssueSeverity.Information, Assert.Single(outcome.Issue).Severity);
    }

    [Fact]
    public async Task Refuted_and_inactive_allergies_do_not_stop()
    {
        var patient = await PatientAsync();
        await AllergyAsync(patient, "J01C", verification: "refuted");
        var resolved = Allergy(patient, "J01CA04");
        resolved.ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "resolved");
        await (await Client.PostAsync("AllergyIntolerance", FhirClientExtensions.Json(resolved))).ExpectAsync<AllergyIntolerance>(HttpStatusCode.Created);

        await PrescribeAsync(Prescription(patient, "J01CA04", DailyMg(1500)));
    }

    [Fact]
    public async Task Bad_input_gets_a_4xx_that_names_the_problem_and_changes_nothing()
    {
        var patient = await PatientAsync();
        var noPatient = Prescription(patient, "N02BE01", DailyMg(1000));
        noPatient.Subject = new ResourceReference("Group/1");
        await AssertRefusedWithoutChangeAsync(() => PostAsync(noPatient), HttpStatusCode.UnprocessableEntity, "subject");
        await AssertRefusedWithoutChangeAsync(() => PostAsync(Prescription(patient, "X99XX99", DailyMg(1))), HttpStatusCode.UnprocessableEntity, "not in the medication catalogue");
        await AssertRefusedWithoutChangeAsync(() => PostAsync(Prescription(patient, "N02BE", DailyMg(1))), HttpStatusCode.UnprocessableEntity, "level 5");

        var uncoded = Prescription(patient, "N02BE01", DailyMg(1000));
        uncoded.Medication = new CodeableConcept { Text = "Paracet" };
        Assert.Contains("no ATC code", (await CheckAsync(uncoded, HttpStatusCode.UnprocessableEntity)).Issue[0].Diagnostics, StringComparison.Ordinal);

        Assert.Contains("subject", (await CheckAsync(noPatient, HttpStatusCode.UnprocessableEntity)).Issue[0].Diagnostics, StringComparison.Ordinal);
        Assert.Contains("MedicationRequest", (await CheckAsync(NewPatient(), HttpStatusCode.BadRequest)).Issue[0].Diagnostics, StringComparison.Ordinal);
        await CheckAsync(Prescription("does-not-exist", "N02BE01", DailyMg(1000)), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_prescription_coded_only_outside_ATC_is_stored_unchecked_and_the_operation_says_it_cannot_check_it()
    {
        // Imported records (Synthea, other countries' systems) name drugs in RxNorm; refusing them
        // would stop the import, and this catalogue cannot check them.
        var patient = await PatientAsync();
        await AllergyAsync(patient, "J01C");
        var rxNorm = Prescription(patient, "J01CA04", DailyMg(1500));
        rxNorm.Medication = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "308182", "Amoxicillin 250 MG Oral Capsule");

        await PrescribeAsync(rxNorm);
        Assert.Contains("no ATC code", (await CheckAsync(rxNorm, HttpStatusCode.UnprocessableEntity)).Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_free_text_dosage_is_saved_with_a_warning_that_its_dose_was_not_checked()
    {
        var patient = await PatientAsync();
        var freeText = Prescription(patient, "N02BE01");
        freeText.DosageInstruction = [new Dosage { Text = "2 tabletter inntil 3 ganger daglig ved behov" }];

        Assert.Equal(OperationOutcome.IssueSeverity.Warning, Assert.Single(Findings(await CheckAsync(freeText), FindingCodes.DoseNotChecked)).Severity);
        await PrescribeAsync(freeText);
    }

    [Fact]
    public async Task The_catalogue_is_searchable_by_name_as_Medication_resources()
    {
        var bundle = await (await Client.GetAsync("$medication-catalogue?name=metotreksat")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var medication = Assert.IsType<Medication>(Assert.Single(bundle.Entry).Resource);
        Assert.Contains(medication.Code.Coding, c => c.System == "http://www.whocc.no/atc" && c.Code == "L04AX03");

        await (await Client.GetAsync("$medication-catalogue")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_caller_without_access_to_the_patient_is_refused_not_told_there_are_no_findings()
    {
        var patient = await PatientAsync();
        await AllergyAsync(patient, "J01C");
        using var otherWard = await Host.ClientForAsync("berg");

        var response = await otherWard.PostAsync("MedicationRequest/$check-prescription", FhirClientExtensions.Json(Prescription(patient, "J01CA04", DailyMg(1500))));
        await response.ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_CapabilityStatement_declares_check_prescription_on_MedicationRequest()
    {
        var capabilities = await (await Client.GetAsync("metadata")).ExpectAsync<CapabilityStatement>(HttpStatusCode.OK);
        var medicationRequest = capabilities.Rest.Single().Resource.Single(r => r.Type == "MedicationRequest");
        Assert.Contains(medicationRequest.Operation, o => o.Name == "check-prescription");
    }

    private static List<(string Code, OperationOutcome.IssueSeverity? Severity, string? ConflictsWith)> Summary(OperationOutcome outcome) =>
        [.. outcome.Issue.Select(i => (i.Details.Coding.Single().Code, i.Severity, i.GetExtensionValue<ResourceReference>(PrescribingOutcome.ConflictUrl)?.Reference))];
}

public sealed class CheckPrescriptionOnSqlite(SqliteHost host) : CheckPrescriptionBehaviour(host), IClassFixture<SqliteHost>;

public sealed class CheckPrescriptionOnPostgres(PostgresHost host) : CheckPrescriptionBehaviour(host), IClassFixture<PostgresHost>;
