using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Search;

/// <summary>Patient/{id}/$everything over HTTP; every expected set is built from the test's own data.</summary>
public abstract class EverythingBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private async Task<T> PostAsync<T>(T resource)
        where T : Resource =>
        await (await Client.PostAsync(resource.TypeName, FhirClientExtensions.Json(resource))).ExpectAsync<T>(HttpStatusCode.Created);

    /// <summary>Every page, following next links; the entries by mode, and the bundles themselves.</summary>
    private async Task<(List<Resource> Matches, List<Resource> Includes, List<Bundle> Pages)> EverythingAsync(string url, Func<Bundle, Task>? betweenPages = null)
    {
        var matches = new List<Resource>();
        var includes = new List<Resource>();
        var pages = new List<Bundle>();
        string? next = url;
        while (next is not null)
        {
            var bundle = await (await Client.GetAsync(next)).ExpectAsync<Bundle>(HttpStatusCode.OK);
            Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
            pages.Add(bundle);
            matches.AddRange(bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource));
            includes.AddRange(bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Include).Select(e => e.Resource));
            next = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
            if (next is not null && betweenPages is not null && pages.Count == 1)
            {
                await betweenPages(bundle);
            }
        }

        return (matches, includes, pages);
    }

    private static IEnumerable<string> Keys(IEnumerable<Resource> resources) => resources.Select(r => r.TypeName + "/" + r.Id).Order(StringComparer.Ordinal);

    /// <summary>A patient whose record refers to an organisation, a GP and a medication, with an
    /// observation, a condition and a prescription; and another patient with their own data.</summary>
    private async Task<Record> RecordAsync()
    {
        var organization = await PostAsync(new Organization { Name = "Fjordby legekontor " + Unique()[..6] });
        var practitioner = await PostAsync(new Practitioner { Name = [new HumanName { Family = "Lege", Given = ["Lise"] }] });
        var medication = await PostAsync(new Medication { Code = new CodeableConcept("http://www.whocc.no/atc", "N02BE01", "Paracetamol") });
        await PostAsync(new Location { Name = "Not referred to " + Unique()[..6] });

        var patient = NewPatient();
        patient.ManagingOrganization = new ResourceReference($"Organization/{organization.Id}");
        patient.GeneralPractitioner = [new ResourceReference($"Practitioner/{practitioner.Id}")];
        patient = await CreateAsync(patient);
        var subject = new ResourceReference($"Patient/{patient.Id}");
        var observation = await PostAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("urn:test", "hb"),
            Subject = subject,
            Performer = [new ResourceReference($"Practitioner/{practitioner.Id}")],
        });
        var condition = await PostAsync(new Condition { Subject = subject, Code = new CodeableConcept("urn:test", "diabetes") });
        var prescription = await PostAsync(new MedicationRequest
        {
            Status = MedicationRequest.MedicationrequestStatus.Active,
            Intent = MedicationRequest.MedicationRequestIntent.Order,
            Subject = subject,
            Medication = new ResourceReference($"Medication/{medication.Id}"),
            Requester = new ResourceReference($"Practitioner/{practitioner.Id}"),
        });

        // Someone else's record, with a practitioner only they refer to: none of it may appear.
        var other = await CreateAsync(NewPatient());
        var otherPractitioner = await PostAsync(new Practitioner { Name = [new HumanName { Family = "Annen" }] });
        await PostAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("urn:test", "hb"),
            Subject = new ResourceReference($"Patient/{other.Id}"),
            Performer = [new ResourceReference($"Practitioner/{otherPractitioner.Id}")],
        });

        return new Record(patient, [patient, observation, condition, prescription], [organization, practitioner, medication]);
    }

    private sealed record Record(Patient Patient, List<Resource> Compartment, List<Resource> Referenced);

    [Fact]
    public async Task Everything_returns_the_patient_their_compartment_and_what_it_refers_to_each_once_and_nothing_of_others()
    {
        var record = await RecordAsync();

        var (matches, includes, _) = await EverythingAsync($"Patient/{record.Patient.Id}/$everything");

        Assert.Equal(Keys(record.Compartment), Keys(matches));
        Assert.Equal(Keys(record.Referenced), Keys(includes));
    }

    [Fact]
    public async Task Type_and_since_narrow_the_record()
    {
        var record = await RecordAsync();
        var all = record.Compartment.Concat(record.Referenced).ToList();

        var (matches, includes, _) = await EverythingAsync($"Patient/{record.Patient.Id}/$everything?_type=Observation,Practitioner");
        Assert.Equal(Keys(all.Where(r => r is Observation or Practitioner)), Keys(matches.Concat(includes)));

        // Touch two resources; _since from the first of those two changes.
        var condition = (Condition)record.Compartment.Single(r => r is Condition);
        condition.Note = [new Annotation { Text = "Oppdatert" }];
        var updated = await (await Client.PutAsync($"Condition/{condition.Id}", FhirClientExtensions.Json(condition))).ExpectAsync<Condition>(HttpStatusCode.OK);
        var practitioner = (Practitioner)record.Referenced.Single(r => r is Practitioner);
        practitioner.Gender = AdministrativeGender.Female;
        var updatedPractitioner = await (await Client.PutAsync($"Practitioner/{practitioner.Id}", FhirClientExtensions.Json(practitioner))).ExpectAsync<Practitioner>(HttpStatusCode.OK);
        var current = all.Select(r => r.Id == updated.Id ? updated : r.Id == updatedPractitioner.Id ? (Resource)updatedPractitioner : r).ToList();
        var since = updated.Meta.LastUpdated!.Value;

        var (recentMatches, recentIncludes, _) = await EverythingAsync($"Patient/{record.Patient.Id}/$everything?_since={Uri.EscapeDataString(since.ToString("o"))}");

        Assert.Equal(Keys(current.Where(r => r.Meta.LastUpdated >= since)), Keys(recentMatches.Concat(recentIncludes)));
        Assert.Equal(2, recentMatches.Count + recentIncludes.Count);
    }

    [Fact]
    public async Task Paging_gives_every_resource_once_while_the_record_changes_between_pages()
    {
        var record = await RecordAsync();
        var expected = record.Compartment.Concat(record.Referenced).ToList();
        Observation? added = null;

        var (matches, includes, pages) = await EverythingAsync($"Patient/{record.Patient.Id}/$everything?_count=2", async first =>
        {
            // After the first page: a new result arrives, one resource already sent is deleted (an
            // offset would now skip one) and the other is changed (it must not come again).
            added = await PostAsync(new Observation
            {
                Status = ObservationStatus.Final,
                Code = new CodeableConcept("urn:test", "crp"),
                Subject = new ResourceReference($"Patient/{record.Patient.Id}"),
            });
            var sent = first.Entry.Select(e => e.Resource).ToList();
            Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"{sent[0].TypeName}/{sent[0].Id}")).StatusCode);
            sent[1].Meta = null;
            await (await Client.PutAsync($"{sent[1].TypeName}/{sent[1].Id}", FhirClientExtensions.Json(sent[1]))).ExpectAsync<Resource>(HttpStatusCode.OK);
        });

        Assert.True(pages.Count >= 4);
        Assert.All(pages, p => Assert.True(p.Entry.Count <= 2));
        var returned = matches.Concat(includes).ToList();
        Assert.Equal(returned.Count, returned.Select(r => r.TypeName + "/" + r.Id).Distinct().Count());
        Assert.Equal(Keys(expected.Append(added!)), Keys(returned));
    }

    [Fact]
    public async Task Deleted_resources_are_left_out_and_a_deleted_or_unknown_patient_is_refused()
    {
        var record = await RecordAsync();
        var condition = record.Compartment.Single(r => r is Condition);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"Condition/{condition.Id}")).StatusCode);

        var (matches, _, _) = await EverythingAsync($"Patient/{record.Patient.Id}/$everything");
        Assert.Equal(Keys(record.Compartment.Where(r => r.Id != condition.Id)), Keys(matches));

        // What only a deleted resource or an earlier version referred to is no longer part of the record.
        var prescription = record.Compartment.Single(r => r is MedicationRequest);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"MedicationRequest/{prescription.Id}")).StatusCode);
        var patient = record.Patient;
        patient.ManagingOrganization = null;
        await (await Client.PutAsync($"Patient/{patient.Id}", FhirClientExtensions.Json(patient))).ExpectAsync<Patient>(HttpStatusCode.OK);
        var (_, includes, _) = await EverythingAsync($"Patient/{record.Patient.Id}/$everything");
        Assert.Equal(Keys(record.Referenced.Where(r => r is Practitioner)), Keys(includes));

        await (await Client.GetAsync($"Patient/{Unique()[..20]}/$everything")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"Patient/{record.Patient.Id}")).StatusCode);
        await (await Client.GetAsync($"Patient/{record.Patient.Id}/$everything")).ExpectOutcomeAsync(HttpStatusCode.Gone);
        await (await Client.GetAsync("Patient/$everything")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await (await Client.GetAsync($"Patient/{record.Patient.Id}/$everything?_type=Nonsense")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Post_takes_a_Parameters_body_and_unsupported_dates_are_reported_or_refused()
    {
        var record = await RecordAsync();
        var body = new Parameters();
        body.Add("_type", new Code("Observation"));
        body.Add("start", new Date("2020-01-01"));

        var bundle = await (await Client.PostAsync($"Patient/{record.Patient.Id}/$everything", FhirClientExtensions.Json(body))).ExpectAsync<Bundle>(HttpStatusCode.OK);

        Assert.Equal(Keys(record.Compartment.Where(r => r is Observation)), Keys(bundle.Entry.Where(e => e.Search.Mode != Bundle.SearchEntryMode.Outcome).Select(e => e.Resource)));
        var outcome = (OperationOutcome)bundle.Entry.Single(e => e.Search.Mode == Bundle.SearchEntryMode.Outcome).Resource;
        Assert.Contains(outcome.Issue, i => i.Diagnostics.Contains("start", StringComparison.Ordinal));

        var strict = new HttpRequestMessage(HttpMethod.Get, $"Patient/{record.Patient.Id}/$everything?end=2020-01-01");
        strict.Headers.Add("Prefer", "handling=strict");
        await (await Client.SendAsync(strict)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_capability_statement_lists_everything_on_Patient()
    {
        var capabilities = await (await Client.GetAsync("metadata")).ExpectAsync<CapabilityStatement>(HttpStatusCode.OK);
        var patient = capabilities.Rest[0].Resource.Single(r => r.Type == "Patient");
        Assert.Contains(patient.Operation, o => o.Name == "everything" && o.Definition == "http://hl7.org/fhir/OperationDefinition/Patient-everything");
        Assert.DoesNotContain(capabilities.Rest[0].Resource.Single(r => r.Type == "Observation").Operation, o => o.Name == "everything");
    }
}

public sealed class EverythingOnSqlite(SqliteHost host) : EverythingBehaviour(host), IClassFixture<SqliteHost>;

public sealed class EverythingOnPostgres(PostgresHost host) : EverythingBehaviour(host), IClassFixture<PostgresHost>;
