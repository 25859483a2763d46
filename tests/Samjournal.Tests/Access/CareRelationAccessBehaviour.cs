using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Conformance;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Access;

public sealed class SeededPostgresHost : PostgresHost
{
    protected override bool SeedDemo => true;
}

/// <summary>
/// helsepersonelloven § 21a: staff see a patient's record only through a care relation, and only
/// as much as their role needs; without one, every read path refuses or finds nothing, until
/// emergency access with a stated reason. Each test makes its own patient with the system client,
/// so what a demo user may see is known without asking the code under test.
/// </summary>
public abstract class CareRelationAccessBehaviour(SamjournalHost host) : AccessTestBase(host)
{
    private const string MedicalWard = "310900117";
    private const string FjordvikLegekontor = "310900508";

    [Fact]
    public async Task Without_a_care_relation_no_read_path_shows_the_patient()
    {
        var (patient, observation) = await PatientWithObservationAsync();
        using var nurse = await Host.ClientForAsync("strand");

        await (await nurse.GetAsync($"Patient/{patient.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await nurse.GetAsync($"Observation/{observation.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await nurse.GetAsync($"Observation/{observation.Id}/_history/1")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await nurse.GetAsync($"Patient/{patient.Id}/$everything")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Empty(await EntriesAsync(nurse, $"Patient?_id={patient.Id}&_total=accurate", expectTotal: 0));
        Assert.Empty(await EntriesAsync(nurse, $"Observation?subject=Patient/{patient.Id}&_total=estimate", expectTotal: 0));
        Assert.Empty(await EntriesAsync(nurse, $"Patient/{patient.Id}/Observation"));
        Assert.Empty(await EntriesAsync(nurse, $"Observation/{observation.Id}/_history"));
        Assert.Empty(await EntriesAsync(nurse, $"Observation?_id={observation.Id}&_include=Observation:subject"));
        var batch = new Bundle
        {
            Type = Bundle.BundleType.Batch,
            Entry = [new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = $"Patient/{patient.Id}" } }],
        };
        var response = await (await nurse.PostAsync("", FhirClientExtensions.Json(batch))).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.StartsWith("403", response.Entry[0].Response.Status, StringComparison.Ordinal);
        Assert.Null(response.Entry[0].Resource);
    }

    [Fact]
    public async Task An_open_encounter_at_the_unit_opens_the_record_to_the_unit_and_a_finished_one_after_the_grace_period_closes_it()
    {
        var (patient, observation) = await PatientWithObservationAsync();
        using var nurse = await Host.ClientForAsync("strand");
        var ward = await OrganisationAsync(MedicalWard);
        var encounter = await CreateAsync(new Encounter
        {
            Status = Encounter.EncounterStatus.InProgress,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP"),
            Subject = new ResourceReference("Patient/" + patient.Id),
            ServiceProvider = new ResourceReference(ward),
        });

        (await nurse.GetAsync($"Patient/{patient.Id}")).EnsureSuccessStatusCode();
        (await nurse.GetAsync($"Observation/{observation.Id}")).EnsureSuccessStatusCode();
        Assert.Single(await EntriesAsync(nurse, $"Observation?subject=Patient/{patient.Id}&_total=accurate", expectTotal: 1));
        Assert.Equal(2, (await EntriesAsync(nurse, $"Observation?_id={observation.Id}&_include=Observation:subject")).Count);
        (await nurse.GetAsync($"Patient/{patient.Id}/$everything")).EnsureSuccessStatusCode();
        var log = await (await Client.GetAsync($"Patient/{patient.Id}/$access-log")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Contains(log.Entry.Select(e => e.Resource).OfType<AuditEvent>(), a => a.Subtype[0].Code == "search-type" && a.PurposeOfEvent[0].Coding[0].Code == "encounter");

        // Discharged yesterday: within the grace period the discharge letter can still be written.
        encounter.Status = Encounter.EncounterStatus.Finished;
        encounter.Period = new Period { StartElement = Day(-5), EndElement = Day(-1) };
        (await Client.PutAsync($"Encounter/{encounter.Id}", FhirClientExtensions.Json(encounter))).EnsureSuccessStatusCode();
        (await nurse.GetAsync($"Patient/{patient.Id}")).EnsureSuccessStatusCode();

        // Discharged a month ago: the relation has ended.
        encounter.Period = new Period { StartElement = Day(-40), EndElement = Day(-30) };
        (await Client.PutAsync($"Encounter/{encounter.Id}", FhirClientExtensions.Json(encounter))).EnsureSuccessStatusCode();
        await (await nurse.GetAsync($"Patient/{patient.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        // Another unit's staff never had it.
        using var surgeon = await Host.ClientForAsync("berg");
        encounter.Status = Encounter.EncounterStatus.InProgress;
        (await Client.PutAsync($"Encounter/{encounter.Id}", FhirClientExtensions.Json(encounter))).EnsureSuccessStatusCode();
        await (await surgeon.GetAsync($"Patient/{patient.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        (await nurse.GetAsync($"Patient/{patient.Id}")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_secretary_on_the_GP_list_sees_demographics_but_not_results()
    {
        var office = await OrganisationAsync(FjordvikLegekontor);
        var patient = NewPatient();
        patient.GeneralPractitioner = [new ResourceReference(office)];
        patient = await CreateAsync(patient);
        var observation = await CreateAsync(Glucose(patient.Id));
        using var secretary = await Host.ClientForAsync("eide");
        using var gp = await Host.ClientForAsync("fossum");

        (await secretary.GetAsync($"Patient/{patient.Id}")).EnsureSuccessStatusCode();
        await (await secretary.GetAsync($"Observation/{observation.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Empty(await EntriesAsync(secretary, $"Observation?subject=Patient/{patient.Id}"));
        Assert.DoesNotContain(await EntriesAsync(secretary, $"Patient/{patient.Id}/$everything"), e => e.Resource is Observation);

        (await gp.GetAsync($"Observation/{observation.Id}")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Writing_into_a_record_needs_a_relation_unless_the_write_makes_it()
    {
        var patient = await CreateAsync(NewPatient());
        using var nurse = await Host.ClientForAsync("strand");
        var before = await NewestVersionAsync();
        await (await nurse.PostAsync("Observation", FhirClientExtensions.Json(Glucose(patient.Id)))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, await NewestVersionAsync());

        // Admission: the ward opens the encounter that makes its relation.
        var admission = new Encounter
        {
            Status = Encounter.EncounterStatus.InProgress,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP"),
            Subject = new ResourceReference("Patient/" + patient.Id),
            ServiceProvider = new ResourceReference(await OrganisationAsync(MedicalWard)),
        };
        await (await nurse.PostAsync("Encounter", FhirClientExtensions.Json(admission))).ExpectAsync<Encounter>(HttpStatusCode.Created);
        await (await nurse.PostAsync("Observation", FhirClientExtensions.Json(Glucose(patient.Id)))).ExpectAsync<Observation>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Emergency_access_with_a_reason_opens_the_record_for_a_time_shows_the_banner_and_is_logged_for_review()
    {
        var (patient, observation) = await PatientWithObservationAsync();
        using var surgeon = await Host.ClientForAsync("berg");
        await (await surgeon.GetAsync($"Observation/{observation.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        var tooShort = EmergencyRequest("acute-care", "needed");
        await (await surgeon.PostAsync($"Patient/{patient.Id}/$emergency-access", FhirClientExtensions.Json(tooShort))).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        var unknown = EmergencyRequest("curiosity", "I would like to have a look at this record");
        await (await surgeon.PostAsync($"Patient/{patient.Id}/$emergency-access", FhirClientExtensions.Json(unknown))).ExpectOutcomeAsync(HttpStatusCode.BadRequest);

        var granted = await (await surgeon.PostAsync($"Patient/{patient.Id}/$emergency-access", FhirClientExtensions.Json(
            EmergencyRequest("acute-care", "Brought in unconscious after a fall, no referral yet")))).ExpectAsync<Parameters>(HttpStatusCode.Created);
        var until = ((FhirDateTime)granted.GetSingleValue<DataType>("until")).ToDateTimeOffset(TimeSpan.Zero);
        Assert.InRange(until - DateTimeOffset.UtcNow, TimeSpan.FromHours(3.9), TimeSpan.FromHours(4.1));

        var read = await surgeon.GetAsync($"Observation/{observation.Id}");
        read.EnsureSuccessStatusCode();
        Assert.True(read.Headers.Contains("Samjournal-Emergency-Access"));
        var found = await (await surgeon.GetAsync($"Observation?subject=Patient/{patient.Id}")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Contains(found.Entry, e => e.Resource.Id == observation.Id);

        // The review item waits on the unit's worklist, for the unit leader.
        var taskId = ((ResourceReference)granted.GetSingleValue<DataType>("task")).Reference;
        var task = await (await Client.GetAsync(taskId)).ExpectAsync<Hl7.Fhir.Model.Task>(HttpStatusCode.OK);
        Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.Requested, task.Status);
        Assert.Equal("unit-leader", task.PerformerType[0].Coding[0].Code);
        Assert.Equal("Brought in unconscious after a fall, no referral yet", task.ReasonCode.Text);

        // The patient's access log names the basis.
        var log = await (await Client.GetAsync($"Patient/{patient.Id}/$access-log")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var events = log.Entry.Select(e => e.Resource).OfType<AuditEvent>().ToList();
        Assert.Contains(events, a => a.Subtype[0].Code == "read" && a.PurposeOfEvent[0].Coding[0].Code == "emergency" && a.Agent[0].Who.Identifier.Value == "9100201");
        Assert.Contains(events, a => a.Subtype[0].Code == "search-type" && a.PurposeOfEvent[0].Coding[0].Code == "emergency" && a.Agent[0].Who.Identifier.Value == "9100201");
        Assert.Contains(events, a => a.Outcome == AuditEvent.AuditEventOutcome.N4 && a.Agent[0].Who.Identifier.Value == "9100201");
    }

    [Fact]
    public async Task The_unit_leader_reviews_and_closes_an_emergency_access_of_the_unit()
    {
        var (patient, _) = await PatientWithObservationAsync();
        using var doctor = await Host.ClientForAsync("haugen");
        using var leader = await Host.ClientForAsync("lie");
        using var nurse = await Host.ClientForAsync("strand");
        var granted = await (await doctor.PostAsync($"Patient/{patient.Id}/$emergency-access", FhirClientExtensions.Json(
            EmergencyRequest("unconscious", "Found unresponsive in the corridor, identity from wallet")))).ExpectAsync<Parameters>(HttpStatusCode.Created);
        var taskId = ((ResourceReference)granted.GetSingleValue<DataType>("task")).Reference["Task/".Length..];

        var reviews = await (await leader.GetAsync("$emergency-access-reviews")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Contains(reviews.Entry, e => e.Resource.Id == taskId);
        await (await nurse.GetAsync("$emergency-access-reviews")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        // The review is of the access, not a way into the record.
        await (await leader.GetAsync($"Patient/{patient.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        var note = new Parameters();
        note.Add("note", new FhirString("Checked with the doctor: patient admitted through the emergency room. Justified."));
        var closed = await (await leader.PostAsync($"Task/{taskId}/$close-review", FhirClientExtensions.Json(note))).ExpectAsync<Hl7.Fhir.Model.Task>(HttpStatusCode.OK);
        Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.Completed, closed.Status);
        reviews = await (await leader.GetAsync("$emergency-access-reviews")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.DoesNotContain(reviews.Entry, e => e.Resource.Id == taskId);

        // Closing the review does not cut the access short: it runs its period.
        (await doctor.GetAsync($"Patient/{patient.Id}")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_staff_token_with_only_patient_scopes_and_no_launch_patient_sees_no_record()
    {
        var office = await OrganisationAsync(FjordvikLegekontor);
        var patient = NewPatient();
        patient.GeneralPractitioner = [new ResourceReference(office)];
        patient = await CreateAsync(patient);
        using var asUser = await Host.ClientForAsync("fossum");
        using var asApp = await Host.ClientForAsync("fossum", "patient/*.rs");

        (await asUser.GetAsync($"Patient/{patient.Id}")).EnsureSuccessStatusCode();
        await (await asApp.GetAsync($"Patient/{patient.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Empty(await EntriesAsync(asApp, $"Patient?_id={patient.Id}"));
    }

    [Fact]
    public async Task A_citizen_sees_their_own_record_and_no_one_elses()
    {
        using var emma = await Host.ClientForAsync("emma.odegard", "patient/*.rs");
        var own = await EntriesAsync(emma, "Patient");
        var self = Assert.Single(own);
        var (other, _) = await PatientWithObservationAsync();
        await (await emma.GetAsync($"Patient/{other.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        (await emma.GetAsync($"Patient/{self.Resource.Id}/$everything")).EnsureSuccessStatusCode();
        Assert.All(await EntriesAsync(emma, "Condition"), e => Assert.Equal("Patient/" + self.Resource.Id, ((Condition)e.Resource).Subject.Reference));
    }

    [Fact]
    public async Task A_protected_address_is_removed_on_every_read_path_and_cannot_be_searched_for()
    {
        var city = "Skjulby" + Unique()[..6];
        var patient = NewPatient();
        patient.Meta = new Meta { Security = [new Coding("https://samjournal.no/fhir/CodeSystem/address-protection", "strengt-fortrolig")] };
        patient.Address = [new Address { Line = ["Hemmeligveien 1"], City = city, PostalCode = "7999" }];
        patient.Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, "+4799999999")];
        patient.Contact = [new Patient.ContactComponent { Address = new Address { City = city } }];
        patient = await CreateAsync(patient);
        var observation = await CreateAsync(Glucose(patient.Id));
        await CreateAsync(new Encounter
        {
            Status = Encounter.EncounterStatus.InProgress,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP"),
            Subject = new ResourceReference("Patient/" + patient.Id),
            ServiceProvider = new ResourceReference(await OrganisationAsync(MedicalWard)),
        });
        using var nurse = await Host.ClientForAsync("strand");

        var shown = new List<Patient>
        {
            await (await nurse.GetAsync($"Patient/{patient.Id}")).ExpectAsync<Patient>(HttpStatusCode.OK),
            await (await nurse.GetAsync($"Patient/{patient.Id}/_history/1")).ExpectAsync<Patient>(HttpStatusCode.OK),
        };
        shown.AddRange((await EntriesAsync(nurse, $"Patient?_id={patient.Id}")).Select(e => (Patient)e.Resource));
        shown.AddRange((await EntriesAsync(nurse, $"Observation?_id={observation.Id}&_include=Observation:subject")).Select(e => e.Resource).OfType<Patient>());
        shown.AddRange((await EntriesAsync(nurse, $"Patient/{patient.Id}/$everything")).Select(e => e.Resource).OfType<Patient>());
        shown.AddRange((await EntriesAsync(nurse, $"Patient/{patient.Id}/_history")).Select(e => e.Resource).OfType<Patient>());
        Assert.Equal(6, shown.Count);
        Assert.All(shown, p =>
        {
            Assert.Empty(p.Address);
            Assert.Empty(p.Telecom);
            Assert.All(p.Contact, c => Assert.Null(c.Address));
            Assert.Equal(patient.Name[0].Family, p.Name[0].Family);
        });

        Assert.Empty(await EntriesAsync(nurse, $"Patient?address-city={city}"));
        Assert.Empty(await EntriesAsync(nurse, $"Patient?phone=%2B4799999999"));
        Assert.Empty(await EntriesAsync(nurse, $"Observation?subject:Patient.address-city={city}"));
        Assert.Single(await EntriesAsync(nurse, $"Observation?subject:Patient._id={patient.Id}"));

        // Those who maintain it (the population register integration) still see it.
        var system = await (await Client.GetAsync($"Patient/{patient.Id}")).ExpectAsync<Patient>(HttpStatusCode.OK);
        Assert.Equal(city, system.Address[0].City);
        Assert.Single(await EntriesAsync(Client, $"Patient?address-city={city}"));
    }

    [Fact]
    public async Task What_a_clinician_holds_back_with_a_reason_is_hidden_from_the_patient_only()
    {
        using var ida = await Host.ClientForAsync("ida.holm", "patient/*.rs");
        var self = Assert.Single(await EntriesAsync(ida, "Patient")).Resource.Id;
        var withheld = Glucose(self);
        var label = new Coding("https://samjournal.no/fhir/CodeSystem/reservation", "withheld-from-patient");
        withheld.Meta = new Meta { Security = [label] };
        await (await Client.PostAsync("Observation", FhirClientExtensions.Json(withheld))).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);

        label.SetExtension("https://samjournal.no/fhir/StructureDefinition/withheld-reason", new FhirString("Result to be given in person by the GP first"));
        var created = await CreateAsync(withheld);
        var shown = await CreateAsync(Glucose(self));

        await (await ida.GetAsync($"Observation/{created.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        var found = (await EntriesAsync(ida, $"Observation?subject=Patient/{self}")).Select(e => e.Resource.Id).ToList();
        Assert.Contains(shown.Id, found);
        Assert.DoesNotContain(created.Id, found);
        (await Client.GetAsync($"Observation/{created.Id}")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task The_access_log_is_read_by_the_patient_and_those_with_access_only()
    {
        using var emma = await Host.ClientForAsync("emma.odegard", "patient/*.rs");
        var self = Assert.Single(await EntriesAsync(emma, "Patient")).Resource.Id;
        (await emma.GetAsync($"Patient/{self}/$access-log")).EnsureSuccessStatusCode();

        var (other, _) = await PatientWithObservationAsync();
        await (await emma.GetAsync($"Patient/{other.Id}/$access-log")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        using var nurse = await Host.ClientForAsync("strand");
        await (await nurse.GetAsync($"Patient/{other.Id}/$access-log")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    private static Parameters EmergencyRequest(string reason, string text)
    {
        var parameters = new Parameters();
        parameters.Add("reason", new Code(reason));
        parameters.Add("text", new FhirString(text));
        return parameters;
    }

    private static FhirDateTime Day(int offset) => new(DateTimeOffset.UtcNow.AddDays(offset));

    private async Task<(Patient Patient, Observation Observation)> PatientWithObservationAsync()
    {
        var patient = await CreateAsync(NewPatient());
        return (patient, await CreateAsync(Glucose(patient.Id)));
    }

    private static Observation Glucose(string patientId) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "15074-8"),
        Subject = new ResourceReference("Patient/" + patientId),
    };

    private Task<T> CreateAsync<T>(T resource) where T : Resource => PostAsync(resource);

    private static async Task<List<Bundle.EntryComponent>> EntriesAsync(HttpClient client, string url, long? expectTotal = null)
    {
        var bundle = await (await client.GetAsync(url)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        if (expectTotal is not null)
        {
            Assert.Equal(expectTotal, bundle.Total);
        }

        return bundle.Entry.Where(e => e.Resource is not OperationOutcome).ToList();
    }
}

public sealed class CareRelationAccessOnSqlite(SeededSqliteHost host) : CareRelationAccessBehaviour(host), IClassFixture<SeededSqliteHost>;

public sealed class CareRelationAccessOnPostgres(SeededPostgresHost host) : CareRelationAccessBehaviour(host), IClassFixture<SeededPostgresHost>;
