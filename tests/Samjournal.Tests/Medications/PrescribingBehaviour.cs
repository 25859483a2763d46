using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Clinical.Medications.Checks;
using Samjournal.Clinical.Medications.Dosing;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Medications;

/// <summary>
/// The prescribing checks in the door, over HTTP against the real host: a stop refuses the write
/// on every path and changes nothing; an override needs a reason, is stored and is audited.
/// </summary>
public abstract class PrescribingBehaviour(SamjournalHost host) : MedicationTestBase(host)
{
    [Fact]
    public async Task An_allergy_conflict_is_never_saved_without_an_override_reason_by_create_update_or_transaction()
    {
        var patient = await PatientAsync();
        var allergy = await AllergyAsync(patient, "J01C", verification: "unconfirmed");
        var amoxicillin = Prescription(patient, "J01CA04", DailyMg(1500));

        await AssertRefusedWithoutChangeAsync(() => PostAsync(amoxicillin), HttpStatusCode.UnprocessableEntity, "allergy");
        var refused = await (await PostAsync(amoxicillin)).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal([(OperationOutcome.IssueSeverity.Error, $"AllergyIntolerance/{allergy}")], Findings(refused, FindingCodes.Allergy));

        // Changing an accepted prescription into the allergen is refused too.
        var paracetamol = await PrescribeAsync(Prescription(patient, "N02BE01", DailyMg(1000)));
        paracetamol.Medication = new CodeableConcept("http://www.whocc.no/atc", "J01CA04");
        await AssertRefusedWithoutChangeAsync(() => Client.PutAsync($"MedicationRequest/{paracetamol.Id}", FhirClientExtensions.Json(paracetamol)), HttpStatusCode.UnprocessableEntity, "allergy");

        // In a transaction, even when the allergy is recorded in the same transaction.
        var other = await PatientAsync();
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new Bundle.EntryComponent { Resource = Allergy(other, "J01CA04"), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "AllergyIntolerance" } },
                new Bundle.EntryComponent { Resource = Prescription(other, "J01CA04", DailyMg(1500)), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "MedicationRequest" } },
            ],
        };
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(bundle)), HttpStatusCode.UnprocessableEntity, "allergy");
        var inTransaction = await (await Client.PostAsync("", FhirClientExtensions.Json(bundle))).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(OperationOutcome.IssueSeverity.Error, Assert.Single(Findings(inTransaction, FindingCodes.Allergy)).Severity);
        Assert.Contains("Entry 1", inTransaction.Issue[0].Diagnostics, StringComparison.Ordinal);

        // An override must say why.
        var noReason = Prescription(patient, "J01CA04", DailyMg(1500), PrescribingOverride.Extension(FindingCodes.Allergy, "  "));
        await AssertRefusedWithoutChangeAsync(() => PostAsync(noReason), HttpStatusCode.UnprocessableEntity, "no reason");
    }

    [Fact]
    public async Task An_override_with_a_reason_is_saved_in_the_prescription_and_audited()
    {
        var patient = await PatientAsync();
        var allergy = await AllergyAsync(patient, "J01C");
        const string Reason = "Penicillinallergi avkreftet ved provokasjon 2025; utslett var virusutløst.";
        var created = await PrescribeAsync(Prescription(patient, "J01CA04", DailyMg(1500), PrescribingOverride.Extension(FindingCodes.Allergy, Reason, $"AllergyIntolerance/{allergy}")));

        var stored = await (await Client.GetAsync($"MedicationRequest/{created.Id}")).ExpectAsync<MedicationRequest>(HttpStatusCode.OK);
        var saved = Assert.Single(PrescribingOverride.From(stored));
        Assert.Equal((FindingCodes.Allergy, Reason, $"AllergyIntolerance/{allergy}"), (saved.Finding, saved.Reason, saved.ConflictsWith));

        var log = await (await Client.GetAsync($"Patient/{patient}/$access-log?_count=500")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var audit = Assert.Single(log.Entry.Select(e => e.Resource).OfType<AuditEvent>(), a => a.Subtype.Any(s => s.Code == PrescribingCheckHook.OverrideAuditInteraction));
        Assert.Contains(Reason, audit.OutcomeDesc, StringComparison.Ordinal);
        Assert.Contains($"MedicationRequest/{created.Id}", audit.Entity.Select(e => e.What?.Reference ?? e.Name ?? "").Concat([audit.OutcomeDesc]).Aggregate((a, b) => a + " " + b), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_substance_twice_is_refused_and_the_same_group_is_saved_with_a_warning()
    {
        var patient = await PatientAsync();
        var atorvastatin = await PrescribeAsync(Prescription(patient, "C10AA05", DailyMg(20)));

        var duplicate = await (await PostAsync(Prescription(patient, "C10AA05", DailyMg(40)))).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal([(OperationOutcome.IssueSeverity.Error, $"MedicationRequest/{atorvastatin.Id}")], Findings(duplicate, FindingCodes.DuplicateSubstance));

        var simvastatin = Prescription(patient, "C10AA01", DailyMg(20));
        var check = await CheckAsync(simvastatin);
        Assert.Equal([(OperationOutcome.IssueSeverity.Warning, $"MedicationRequest/{atorvastatin.Id}")], Findings(check, FindingCodes.DuplicateClass));
        await PrescribeAsync(simvastatin);

        // Changing the existing prescription is not a duplicate of itself.
        atorvastatin.DosageInstruction = DosageFhir.ToFhir(DailyMg(40));
        await (await Client.PutAsync($"MedicationRequest/{atorvastatin.Id}", FhirClientExtensions.Json(atorvastatin))).ExpectAsync<MedicationRequest>(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Methotrexate_15_mg_once_a_week_is_saved_and_15_mg_daily_is_refused()
    {
        var patient = await PatientAsync();
        var weekly = new DosageRegimen(new Weekly([DayOfWeek.Monday], DoseAmount.Mg(15)));
        var saved = await PrescribeAsync(Prescription(patient, "L04AX03", weekly));
        Assert.Equal(weekly, DosageFhir.FromFhir(saved.DosageInstruction));

        var other = await PatientAsync();
        var daily = await (await PostAsync(Prescription(other, "L04AX03", DailyMg(15)))).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal([(OperationOutcome.IssueSeverity.Error, (string?)null)], Findings(daily, FindingCodes.MaximumDose));
        Assert.Contains("105 mg", daily.Issue.Single().Details.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_known_interaction_refuses_or_warns_by_its_severity()
    {
        var patient = await PatientAsync();
        var warfarin = await PrescribeAsync(Prescription(patient, "B01AA03", DailyMg(5)));
        var ibuprofen = await (await PostAsync(Prescription(patient, "M01AE01", DailyMg(1200)))).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal([(OperationOutcome.IssueSeverity.Error, $"MedicationRequest/{warfarin.Id}")], Findings(ibuprofen, FindingCodes.Interaction));

        var overridden = Prescription(patient, "M01AE01", DailyMg(1200), PrescribingOverride.Extension(FindingCodes.Interaction, "Kortvarig, med PPI og INR-kontroll om 3 dager."));
        await PrescribeAsync(overridden);

        await PrescribeAsync(Prescription(patient, "N06AB06", DailyMg(50)));
        var tramadol = Prescription(patient, "N02AX02", new DosageRegimen(new AsNeeded(DoseAmount.Mg(50), DoseAmount.Mg(200))));
        Assert.Equal(OperationOutcome.IssueSeverity.Warning, Assert.Single(Findings(await CheckAsync(tramadol), FindingCodes.Interaction)).Severity);
        await PrescribeAsync(tramadol);
    }

    [Fact]
    public async Task What_the_patient_uses_by_a_statement_counts_as_the_other_side_of_an_interaction()
    {
        var patient = await PatientAsync();
        var statement = new MedicationStatement
        {
            Status = MedicationStatement.MedicationStatusCodes.Active,
            Medication = new CodeableConcept("http://www.whocc.no/atc", "B01AA03"),
            Subject = new ResourceReference("Patient/" + patient),
        };
        var used = await (await Client.PostAsync("MedicationStatement", FhirClientExtensions.Json(statement))).ExpectAsync<MedicationStatement>(HttpStatusCode.Created);

        var refused = await (await PostAsync(Prescription(patient, "M01AE02", DailyMg(500)))).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal([(OperationOutcome.IssueSeverity.Error, $"MedicationStatement/{used.Id}")], Findings(refused, FindingCodes.Interaction));
        Assert.Empty(Findings(refused, FindingCodes.DuplicateSubstance));
    }

    [Fact]
    public async Task An_allergy_coded_with_a_SNOMED_CT_substance_stops_too()
    {
        var patient = await PatientAsync();
        var penicillin = Allergy(patient, "J01C");
        penicillin.Code = new CodeableConcept("http://snomed.info/sct", "373270004", "Penicillin -class of antibiotic- (substance)");
        var allergy = await (await Client.PostAsync("AllergyIntolerance", FhirClientExtensions.Json(penicillin))).ExpectAsync<AllergyIntolerance>(HttpStatusCode.Created);

        var refused = await (await PostAsync(Prescription(patient, "J01CE02", DailyMg(2640)))).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal([(OperationOutcome.IssueSeverity.Error, $"AllergyIntolerance/{allergy.Id}")], Findings(refused, FindingCodes.Allergy));
    }

    [Fact]
    public async Task Ending_a_prescription_is_never_refused()
    {
        var patient = await PatientAsync();
        var amoxicillin = await PrescribeAsync(Prescription(patient, "J01CA04", DailyMg(1500)));
        await AllergyAsync(patient, "J01CA04");

        amoxicillin.Status = MedicationRequest.MedicationrequestStatus.Stopped;
        await (await Client.PutAsync($"MedicationRequest/{amoxicillin.Id}", FhirClientExtensions.Json(amoxicillin))).ExpectAsync<MedicationRequest>(HttpStatusCode.OK);
    }
}

public sealed class PrescribingOnSqlite(SqliteHost host) : PrescribingBehaviour(host), IClassFixture<SqliteHost>;

public sealed class PrescribingOnPostgres(PostgresHost host) : PrescribingBehaviour(host), IClassFixture<PostgresHost>;
