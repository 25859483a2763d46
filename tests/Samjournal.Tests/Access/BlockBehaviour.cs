using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Conformance;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Access;

/// <summary>
/// Blocks (sperring): the patient's deny Consent keeps named encounters and documents, and what
/// belongs to them (now and later), from named staff, a unit or an organisation, on every read
/// path; emergency access does not lift it; those not named keep their access.
/// </summary>
public abstract class BlockBehaviour(SamjournalHost host) : AccessTestBase(host)
{

    [Fact]
    public async Task A_block_against_named_staff_hides_the_encounter_its_entries_and_the_document_on_every_path()
    {
        var record = await RecordAsync();
        await BlockAsync(record, "Practitioner/" + await IdOfAsync($"Practitioner?identifier={HprSystem}|9100101"));
        using var blocked = await Host.ClientForAsync("haugen");
        using var colleague = await Host.ClientForAsync("strand");

        await (await blocked.GetAsync($"Encounter/{record.Encounter}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await blocked.GetAsync($"Observation/{record.InEncounter}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await blocked.GetAsync($"Observation/{record.InEncounter}/_history/1")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await blocked.GetAsync($"DocumentReference/{record.Document}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        (await blocked.GetAsync($"Observation/{record.Other}")).EnsureSuccessStatusCode();
        var found = await (await blocked.GetAsync($"Observation?subject=Patient/{record.Patient}&_total=accurate")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(1, found.Total);
        Assert.Equal(record.Other, Assert.Single(found.Entry).Resource.Id);
        var everything = await (await blocked.GetAsync($"Patient/{record.Patient}/$everything")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var ids = everything.Entry.Select(e => e.Resource.TypeName + "/" + e.Resource.Id).ToList();
        Assert.DoesNotContain($"Encounter/{record.Encounter}", ids);
        Assert.DoesNotContain($"Observation/{record.InEncounter}", ids);
        Assert.DoesNotContain($"DocumentReference/{record.Document}", ids);
        Assert.DoesNotContain(everything.Entry, e => e.Resource is Consent);
        Assert.Contains($"Observation/{record.Other}", ids);
        var included = await (await blocked.GetAsync($"Observation?_id={record.Other}&_include=Observation:encounter")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.DoesNotContain(included.Entry, e => e.Resource is Encounter);

        // Future entries in the blocked encounter are blocked too.
        var later = await PostAsync(Glucose(record.Patient, record.Encounter));
        await (await blocked.GetAsync($"Observation/{later.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        // A colleague not named keeps access.
        (await colleague.GetAsync($"Observation/{record.InEncounter}")).EnsureSuccessStatusCode();
        (await colleague.GetAsync($"DocumentReference/{record.Document}")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_block_against_an_organisation_holds_for_its_units_and_through_emergency_access()
    {
        var record = await RecordAsync();
        await BlockAsync(record, await OrganisationAsync("310900109"));
        using var nurse = await Host.ClientForAsync("strand");
        await (await nurse.GetAsync($"Observation/{record.InEncounter}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        (await nurse.GetAsync($"Observation/{record.Other}")).EnsureSuccessStatusCode();

        using var surgeon = await Host.ClientForAsync("berg");
        var reason = new Parameters();
        reason.Add("reason", new Code("acute-care"));
        reason.Add("text", new FhirString("Acute abdomen, patient transferred to surgery tonight"));
        await (await surgeon.PostAsync($"Patient/{record.Patient}/$emergency-access", FhirClientExtensions.Json(reason))).ExpectAsync<Parameters>(HttpStatusCode.Created);
        (await surgeon.GetAsync($"Observation/{record.Other}")).EnsureSuccessStatusCode();
        await (await surgeon.GetAsync($"Observation/{record.InEncounter}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        // The GP office is another organisation: not named, not blocked.
        using var gp = await Host.ClientForAsync("fossum");
        (await gp.GetAsync($"Observation/{record.InEncounter}")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_block_of_everything_from_an_organisation_hides_its_entries_old_and_new_from_the_target()
    {
        var ward = await OrganisationAsync("310900117");
        var gpOffice = await OrganisationAsync("310900508");
        var record = await RecordAsync();
        using var wardDoctor = await Host.ClientForAsync("haugen");
        using var gp = await Host.ClientForAsync("fossum");
        var writtenOnWard = await (await wardDoctor.PostAsync("Observation", FhirClientExtensions.Json(Glucose(record.Patient, null)))).ExpectAsync<Observation>(HttpStatusCode.Created);
        var fromWardLab = Glucose(record.Patient, null);
        fromWardLab.Performer = [new ResourceReference(ward)];
        fromWardLab = await PostAsync(fromWardLab);
        var writtenByGp = await (await gp.PostAsync("Observation", FhirClientExtensions.Json(Glucose(record.Patient, null)))).ExpectAsync<Observation>(HttpStatusCode.Created);

        await BlockSourceAsync(record.Patient, target: gpOffice, source: ward, dataUntil: null);

        foreach (var hidden in new[] { $"Encounter/{record.Encounter}", $"Observation/{writtenOnWard.Id}", $"Observation/{fromWardLab.Id}" })
        {
            await (await gp.GetAsync(hidden)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        }

        (await gp.GetAsync($"Observation/{record.Other}")).EnsureSuccessStatusCode();
        (await gp.GetAsync($"Observation/{writtenByGp.Id}")).EnsureSuccessStatusCode();
        var found = await (await gp.GetAsync($"Observation?subject=Patient/{record.Patient}&_total=accurate")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(
            new[] { record.InEncounter, record.Other, writtenByGp.Id }.Order(),
            found.Entry.Select(e => e.Resource.Id).Order());
        Assert.Equal(3, found.Total);
        var everything = await (await gp.GetAsync($"Patient/{record.Patient}/$everything")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var ids = everything.Entry.Select(e => e.Resource.TypeName + "/" + e.Resource.Id).ToList();
        Assert.DoesNotContain($"Observation/{writtenOnWard.Id}", ids);
        Assert.DoesNotContain($"Observation/{fromWardLab.Id}", ids);
        Assert.DoesNotContain($"Encounter/{record.Encounter}", ids);
        Assert.Contains($"Observation/{writtenByGp.Id}", ids);

        // With no end to the data period, what the ward writes later is blocked as well.
        var later = await (await wardDoctor.PostAsync("Observation", FhirClientExtensions.Json(Glucose(record.Patient, null)))).ExpectAsync<Observation>(HttpStatusCode.Created);
        await (await gp.GetAsync($"Observation/{later.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        // The ward itself is not a target: it keeps seeing its own entries.
        (await wardDoctor.GetAsync($"Observation/{writtenOnWard.Id}")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_block_by_source_with_an_ended_data_period_leaves_later_entries_visible()
    {
        var ward = await OrganisationAsync("310900117");
        var record = await RecordAsync();
        using var wardDoctor = await Host.ClientForAsync("haugen");
        using var gp = await Host.ClientForAsync("fossum");
        var before = await (await wardDoctor.PostAsync("Observation", FhirClientExtensions.Json(Glucose(record.Patient, null)))).ExpectAsync<Observation>(HttpStatusCode.Created);

        await BlockSourceAsync(record.Patient, target: await OrganisationAsync("310900508"), source: ward, dataUntil: DateTimeOffset.UtcNow);
        var after = await (await wardDoctor.PostAsync("Observation", FhirClientExtensions.Json(Glucose(record.Patient, null)))).ExpectAsync<Observation>(HttpStatusCode.Created);

        await (await gp.GetAsync($"Observation/{before.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        (await gp.GetAsync($"Observation/{after.Id}")).EnsureSuccessStatusCode();
    }

    private Task<Consent> BlockSourceAsync(string patient, string target, string source, DateTimeOffset? dataUntil) => PostAsync(new Consent
    {
        Status = Consent.ConsentState.Active,
        Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
        Category = [new CodeableConcept("http://loinc.org", "59284-0")],
        Patient = new ResourceReference("Patient/" + patient),
        Provision = new Consent.provisionComponent
        {
            Type = Consent.ConsentProvisionType.Deny,
            DataPeriod = dataUntil is { } until ? new Period { EndElement = new FhirDateTime(until) } : null,
            Actor =
            [
                new Consent.provisionActorComponent { Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP"), Reference = new ResourceReference(target) },
                new Consent.provisionActorComponent { Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "AUT"), Reference = new ResourceReference(source) },
            ],
        },
    });

    private sealed record Record(string Patient, string Encounter, string InEncounter, string Other, string Document);

    private async Task<Record> RecordAsync()
    {
        var patient = NewPatient();
        patient.GeneralPractitioner = [new ResourceReference(await OrganisationAsync("310900508"))];
        patient = await CreateAsync(patient);
        var encounter = await PostAsync(new Encounter
        {
            Status = Encounter.EncounterStatus.InProgress,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP"),
            Subject = new ResourceReference("Patient/" + patient.Id),
            ServiceProvider = new ResourceReference(await OrganisationAsync("310900117")),
        });
        var inEncounter = await PostAsync(Glucose(patient.Id, encounter.Id));
        var other = await PostAsync(Glucose(patient.Id, null));
        var document = await PostAsync(new DocumentReference
        {
            Status = DocumentReferenceStatus.Current,
            Subject = new ResourceReference("Patient/" + patient.Id),
            Content = [new DocumentReference.ContentComponent { Attachment = new Attachment { ContentType = "text/plain", Data = "Sensitive note"u8.ToArray() } }],
        });
        return new Record(patient.Id, encounter.Id, inEncounter.Id, other.Id, document.Id);
    }

    private Task<Consent> BlockAsync(Record record, string target) => PostAsync(new Consent
    {
        Status = Consent.ConsentState.Active,
        Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
        Category = [new CodeableConcept("http://loinc.org", "59284-0")],
        Patient = new ResourceReference("Patient/" + record.Patient),
        Provision = new Consent.provisionComponent
        {
            Type = Consent.ConsentProvisionType.Deny,
            Actor = [new Consent.provisionActorComponent { Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP"), Reference = new ResourceReference(target) }],
            Data =
            [
                new Consent.provisionDataComponent { Meaning = Consent.ConsentDataMeaning.Related, Reference = new ResourceReference("Encounter/" + record.Encounter) },
                new Consent.provisionDataComponent { Meaning = Consent.ConsentDataMeaning.Instance, Reference = new ResourceReference("DocumentReference/" + record.Document) },
            ],
        },
    });

    private static Observation Glucose(string patientId, string? encounterId) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "15074-8"),
        Subject = new ResourceReference("Patient/" + patientId),
        Encounter = encounterId is null ? null : new ResourceReference("Encounter/" + encounterId),
    };

}

public sealed class BlockOnSqlite(SeededSqliteHost host) : BlockBehaviour(host), IClassFixture<SeededSqliteHost>;

public sealed class BlockOnPostgres(SeededPostgresHost host) : BlockBehaviour(host), IClassFixture<SeededPostgresHost>;
