using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Access;
using Samjournal.Tests.Conformance;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.MedicationList;

namespace Samjournal.Tests.Summary;

/// <summary>Kritisk informasjon: CAVE, critical conditions, protected address, emergency access and
/// open critical results in one read, under the same access policy as the rest of the record.</summary>
public abstract class CriticalInformationBehaviour(SamjournalHost host) : MedicationListTestBase(host)
{
    private const string Snomed = "http://snomed.info/sct";

    [Fact]
    public async Task The_summary_shows_CAVE_critical_conditions_protected_address_and_open_critical_results()
    {
        var protectedPatient = NewPatient();
        protectedPatient.Meta = new Meta { Security = [new Coding("https://samjournal.no/fhir/CodeSystem/address-protection", "strengt-fortrolig")] };
        var (patient, _) = await AdmittedPatientAsync(protectedPatient);
        var subject = new ResourceReference("Patient/" + patient);
        var penicillin = await PostAsync(new AllergyIntolerance
        {
            ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"),
            Criticality = AllergyIntolerance.AllergyIntoleranceCriticality.High,
            Code = new CodeableConcept(Snomed, "764146007", "Penicillin") { Text = "Penicillin" },
            Patient = subject,
        });
        await PostAsync(new AllergyIntolerance
        {
            VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "refuted"),
            Code = new CodeableConcept { Text = "Nøtter" },
            Patient = subject,
        });
        var severe = await PostAsync(new Condition
        {
            Severity = new CodeableConcept(Snomed, "24484000", "Severe"),
            Code = new CodeableConcept { Text = "Hjertesvikt" },
            Subject = subject,
        });
        var bleeder = await PostAsync(new Condition
        {
            Category = [new CodeableConcept("https://samjournal.no/fhir/CodeSystem/condition-category", "kritisk-informasjon")],
            Code = new CodeableConcept { Text = "Hemofili A" },
            Subject = subject,
        });
        await PostAsync(new Condition { Code = new CodeableConcept { Text = "Forkjølelse" }, Subject = subject });
        var potassium = await PostAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "2823-3", "Kalium"),
            Subject = subject,
            Interpretation = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "HH")],
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")],
            Performer = [new ResourceReference(await OrganisationAsync("310900117"))],
        });
        // The final critical result got its sign-off Task in its own transaction (the unit's queue: no order).
        var signOff = await FindAsync<Hl7.Fhir.Model.Task>($"Task?focus=Observation/{potassium.Id}&code=https://samjournal.no/fhir/CodeSystem/task-code|result-sign-off");
        Assert.Equal(RequestPriority.Stat, signOff.Priority);
        using var doctor = await Host.ClientForAsync("haugen");

        var summary = await (await doctor.GetAsync($"Patient/{patient}/$critical-info")).ExpectAsync<Parameters>(HttpStatusCode.OK);

        Assert.Equal("strengt-fortrolig", ((Code)summary.GetSingleValue<DataType>("protectedAddress")).Value);
        Assert.False(((FhirBoolean)summary.GetSingleValue<DataType>("emergencyAccessInEffect")).Value);
        var allergy = (AllergyIntolerance)Assert.Single(summary.Parameter, p => p.Name == "allergy").Resource!;
        Assert.Equal(penicillin.Id, allergy.Id);
        Assert.Equal(AllergyIntolerance.AllergyIntoleranceCriticality.High, allergy.Criticality);
        Assert.Equal(new[] { severe.Id, bleeder.Id }.Order(), summary.Parameter.Where(p => p.Name == "criticalCondition").Select(p => p.Resource!.Id).Order());
        var critical = Assert.Single(summary.Parameter, p => p.Name == "criticalResult");
        Assert.Equal(signOff.Id, critical.Part.Single(p => p.Name == "task").Resource!.Id);
        Assert.Equal(potassium.Id, critical.Part.Single(p => p.Name == "result").Resource!.Id);
        Assert.DoesNotContain(summary.Parameter, p => p.Name == "emergencyAccess");

        // Signed off: no longer open.
        signOff.Status = Hl7.Fhir.Model.Task.TaskStatus.Completed;
        (await Client.PutAsync($"Task/{signOff.Id}", FhirClientExtensions.Json(signOff))).EnsureSuccessStatusCode();
        summary = await (await doctor.GetAsync($"Patient/{patient}/$critical-info")).ExpectAsync<Parameters>(HttpStatusCode.OK);
        Assert.DoesNotContain(summary.Parameter, p => p.Name == "criticalResult");
    }

    [Fact]
    public async Task The_summary_says_when_the_callers_access_rests_on_emergency_access()
    {
        var (patient, _) = await AdmittedPatientAsync();
        using var surgeon = await Host.ClientForAsync("berg");
        await (await surgeon.GetAsync($"Patient/{patient}/$critical-info")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        var request = new Parameters();
        request.Add("reason", new Code("acute-care"));
        request.Add("text", new FhirString("Brought in unconscious, needs the allergy list now"));
        (await surgeon.PostAsync($"Patient/{patient}/$emergency-access", FhirClientExtensions.Json(request))).EnsureSuccessStatusCode();

        var summary = await (await surgeon.GetAsync($"Patient/{patient}/$critical-info")).ExpectAsync<Parameters>(HttpStatusCode.OK);
        Assert.True(((FhirBoolean)summary.GetSingleValue<DataType>("emergencyAccessInEffect")).Value);
        Assert.Single(summary.Parameter, p => p.Name == "emergencyAccess");

        using var doctor = await Host.ClientForAsync("haugen");
        summary = await (await doctor.GetAsync($"Patient/{patient}/$critical-info")).ExpectAsync<Parameters>(HttpStatusCode.OK);
        Assert.False(((FhirBoolean)summary.GetSingleValue<DataType>("emergencyAccessInEffect")).Value);
        Assert.Single(summary.Parameter, p => p.Name == "emergencyAccess");
    }

    [Fact]
    public async Task A_citizen_reads_their_own_summary_and_list_and_unrelated_staff_are_refused()
    {
        using var emma = await Host.ClientForAsync("emma.odegard", "patient/*.rs");
        var self = (await (await emma.GetAsync("Patient")).ExpectAsync<Bundle>(HttpStatusCode.OK)).Entry.Single(e => e.Resource is Patient).Resource.Id;
        await PostAsync(new AllergyIntolerance
        {
            Criticality = AllergyIntolerance.AllergyIntoleranceCriticality.Low,
            Code = new CodeableConcept { Text = "Plaster" },
            Patient = new ResourceReference("Patient/" + self),
        });

        var own = await (await emma.GetAsync($"Patient/{self}/$critical-info")).ExpectAsync<Parameters>(HttpStatusCode.OK);
        Assert.Contains(own.Parameter, p => p.Name == "allergy" && ((AllergyIntolerance)p.Resource!).Code.Text == "Plaster");
        Assert.Equal("none", ((Code)own.GetSingleValue<DataType>("protectedAddress")).Value);
        (await emma.GetAsync($"Patient/{self}/$medication-list")).EnsureSuccessStatusCode();

        var (other, _) = await AdmittedPatientAsync();
        await (await emma.GetAsync($"Patient/{other}/$critical-info")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await emma.GetAsync($"Patient/{other}/$medication-list")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        using var unrelatedGp = await Host.ClientForAsync("fossum");
        await (await unrelatedGp.GetAsync($"Patient/{other}/$critical-info")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        var log = await (await Client.GetAsync($"Patient/{other}/$access-log")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Contains(log.Entry.Select(e => e.Resource).OfType<AuditEvent>(), a => a.Outcome == AuditEvent.AuditEventOutcome.N4 && a.Agent[0].Who.Identifier?.Value == "91000501");
    }
}

public sealed class CriticalInformationOnSqlite(SeededSqliteHost host) : CriticalInformationBehaviour(host), IClassFixture<SeededSqliteHost>;

public sealed class CriticalInformationOnPostgres(SeededPostgresHost host) : CriticalInformationBehaviour(host), IClassFixture<SeededPostgresHost>;
