using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Rest;

public abstract class BundleBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private static Bundle Transaction(params Bundle.EntryComponent[] entries) => new() { Type = Bundle.BundleType.Transaction, Entry = [.. entries] };

    private static Bundle.EntryComponent Post(Resource resource, string? fullUrl = null, string? ifNoneExist = null) => new()
    {
        FullUrl = fullUrl,
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName, IfNoneExist = ifNoneExist },
    };

    private static Bundle.EntryComponent Entry(Bundle.HTTPVerb method, string url, Resource? resource = null) => new()
    {
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = method, Url = url },
    };

    private static Observation ObservationFor(string patientReference) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "718-7", "Hemoglobin"),
        Subject = new ResourceReference(patientReference),
        Value = new Quantity(13.5m, "g/dL"),
    };

    [Fact]
    public async Task A_transaction_rewrites_urn_uuid_references_to_the_ids_it_assigns()
    {
        var patientUrn = "urn:uuid:" + Guid.NewGuid();
        var bundle = Transaction(Post(ObservationFor(patientUrn), "urn:uuid:" + Guid.NewGuid()), Post(NewPatient(), patientUrn));

        var response = await (await Client.PostAsync("", FhirClientExtensions.Json(bundle))).ExpectAsync<Bundle>(HttpStatusCode.OK);

        Assert.Equal(Bundle.BundleType.TransactionResponse, response.Type);
        Assert.All(response.Entry, e => Assert.StartsWith("201", e.Response.Status, StringComparison.Ordinal));
        var observationLocation = response.Entry[0].Response.Location;
        var patientId = response.Entry[1].Response.Location.Split('/')[1];
        var observation = await (await Client.GetAsync(observationLocation)).ExpectAsync<Observation>(HttpStatusCode.OK);
        Assert.Equal($"Patient/{patientId}", observation.Subject.Reference);
        await (await Client.GetAsync($"Patient/{patientId}")).ExpectAsync<Patient>(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_transaction_with_one_bad_entry_writes_nothing_and_names_the_entry()
    {
        var patientUrn = "urn:uuid:" + Guid.NewGuid();
        var bad = new Patient { Id = "x" };
        var bundle = Transaction(
            Post(NewPatient(), patientUrn),
            Post(ObservationFor(patientUrn)),
            Entry(Bundle.HTTPVerb.PUT, "Patient/some-other-id", bad));

        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(bundle)), HttpStatusCode.BadRequest, "Entry 2");
    }

    [Fact]
    public async Task A_transaction_referring_to_a_missing_urn_uuid_writes_nothing()
    {
        var bundle = Transaction(Post(NewPatient()), Post(ObservationFor("urn:uuid:" + Guid.NewGuid())));

        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(bundle)), HttpStatusCode.BadRequest, "no entry");
    }

    [Fact]
    public async Task A_transaction_with_a_stale_If_Match_rolls_back_the_entries_before_it()
    {
        var created = await CreateAsync(NewPatient());
        var stale = Entry(Bundle.HTTPVerb.PUT, $"Patient/{created.Id}", created);
        stale.Request.IfMatch = "W/\"7\"";
        var bundle = Transaction(Post(NewPatient()), Post(NewPatient()), stale);

        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(bundle)), HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Conditional_references_and_ifNoneExist_resolve_inside_a_transaction()
    {
        var patient = NewPatient();
        var identifier = $"{patient.Identifier[0].System}|{patient.Identifier[0].Value}";
        var existing = await CreateAsync(patient);

        var bundle = Transaction(
            Post(NewPatient(), ifNoneExist: "identifier=" + identifier),
            Post(ObservationFor("Patient?identifier=" + identifier)));

        var response = await (await Client.PostAsync("", FhirClientExtensions.Json(bundle))).ExpectAsync<Bundle>(HttpStatusCode.OK);

        Assert.StartsWith("200", response.Entry[0].Response.Status, StringComparison.Ordinal);
        Assert.Equal($"Patient/{existing.Id}/_history/1", response.Entry[0].Response.Location);
        var observation = await (await Client.GetAsync(response.Entry[1].Response.Location)).ExpectAsync<Observation>(HttpStatusCode.OK);
        Assert.Equal($"Patient/{existing.Id}", observation.Subject.Reference);
    }

    [Fact]
    public async Task A_conditional_reference_that_matches_nothing_fails_the_transaction()
    {
        var bundle = Transaction(Post(NewPatient()), Post(ObservationFor("Patient?identifier=urn:nowhere|" + Unique())));

        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(bundle)), HttpStatusCode.PreconditionFailed, "matches nothing");
    }

    [Fact]
    public async Task A_transaction_runs_deletes_before_creates_and_reads_last_whatever_the_entry_order()
    {
        var doomed = await CreateAsync(NewPatient());
        var keptId = "kept-" + Unique()[..12];
        var kept = NewPatient();
        kept.Id = keptId;
        var bundle = Transaction(
            Entry(Bundle.HTTPVerb.GET, $"Patient/{keptId}"),
            Entry(Bundle.HTTPVerb.PUT, $"Patient/{keptId}", kept),
            Entry(Bundle.HTTPVerb.DELETE, $"Patient/{doomed.Id}"));

        var response = await (await Client.PostAsync("", FhirClientExtensions.Json(bundle))).ExpectAsync<Bundle>(HttpStatusCode.OK);

        Assert.StartsWith("200", response.Entry[0].Response.Status, StringComparison.Ordinal);
        Assert.Equal(keptId, response.Entry[0].Resource.Id);
        Assert.StartsWith("201", response.Entry[1].Response.Status, StringComparison.Ordinal);
        Assert.StartsWith("204", response.Entry[2].Response.Status, StringComparison.Ordinal);
        await (await Client.GetAsync($"Patient/{doomed.Id}")).ExpectOutcomeAsync(HttpStatusCode.Gone);
    }

    [Fact]
    public async Task A_transaction_that_changes_one_resource_twice_is_refused()
    {
        var created = await CreateAsync(NewPatient());
        var bundle = Transaction(Entry(Bundle.HTTPVerb.PUT, $"Patient/{created.Id}", created), Entry(Bundle.HTTPVerb.DELETE, $"Patient/{created.Id}"));

        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(bundle)), HttpStatusCode.BadRequest, "more than one entry");
    }

    [Fact]
    public async Task A_batch_processes_each_entry_on_its_own_and_reports_each_outcome()
    {
        var batch = new Bundle
        {
            Type = Bundle.BundleType.Batch,
            Entry = [Post(NewPatient()), Entry(Bundle.HTTPVerb.GET, "Patient/not-there"), Entry(Bundle.HTTPVerb.PUT, "Patient/x1", new Patient { Id = "x2" }), Post(NewPatient())],
        };

        var response = await (await Client.PostAsync("", FhirClientExtensions.Json(batch))).ExpectAsync<Bundle>(HttpStatusCode.OK);

        Assert.Equal(Bundle.BundleType.BatchResponse, response.Type);
        Assert.StartsWith("201", response.Entry[0].Response.Status, StringComparison.Ordinal);
        Assert.StartsWith("404", response.Entry[1].Response.Status, StringComparison.Ordinal);
        Assert.StartsWith("400", response.Entry[2].Response.Status, StringComparison.Ordinal);
        Assert.NotNull(response.Entry[2].Response.Outcome);
        Assert.StartsWith("201", response.Entry[3].Response.Status, StringComparison.Ordinal);
        await (await Client.GetAsync(response.Entry[3].Response.Location)).ExpectAsync<Patient>(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_invalid_resource_inside_a_transaction_is_refused_naming_its_entry()
    {
        var json = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
            + "{\"resource\":{\"resourceType\":\"Patient\",\"active\":true},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
            + "{\"resource\":{\"resourceType\":\"Patient\",\"birthDate\":\"1980-13-45\"},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}";

        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(json)), HttpStatusCode.BadRequest, "Bundle.entry[1]");
    }

    [Fact]
    public async Task Only_batch_and_transaction_bundles_may_be_posted_to_the_base()
    {
        var collection = new Bundle { Type = Bundle.BundleType.Collection, Entry = [new Bundle.EntryComponent { Resource = NewPatient() }] };
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(collection)), HttpStatusCode.BadRequest, "collection");
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(NewPatient())), HttpStatusCode.BadRequest, "Patient");
    }

    [Fact]
    public async Task Entries_without_request_or_with_a_foreign_url_are_refused()
    {
        var noRequest = Transaction(new Bundle.EntryComponent { Resource = NewPatient() });
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(noRequest)), HttpStatusCode.BadRequest, "request");
        var foreign = Transaction(Entry(Bundle.HTTPVerb.PUT, "https://elsewhere.example/fhir/Patient/1", NewPatient()));
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(foreign)), HttpStatusCode.BadRequest, "another server");
    }
}

public sealed class BundlesOnSqlite(SqliteHost host) : BundleBehaviour(host), IClassFixture<SqliteHost>;

public sealed class BundlesOnPostgres(PostgresHost host) : BundleBehaviour(host), IClassFixture<PostgresHost>;
