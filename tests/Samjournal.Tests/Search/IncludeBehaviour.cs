using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Search;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Search;

/// <summary>_include and _revinclude with :iterate and wildcards, over HTTP on both backends.
/// The graph: observations of a patient, performed by her GP; the patient is managed by an
/// organisation; a provenance record points to the first observation.</summary>
public abstract class IncludeBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private sealed record Graph(string Marker, string Patient, string Practitioner, string Organization, string[] Observations, string Provenance);

    private async Task<T> PostAsync<T>(T resource)
        where T : Resource =>
        await (await Client.PostAsync(resource.TypeName, FhirClientExtensions.Json(resource))).ExpectAsync<T>(HttpStatusCode.Created);

    private async Task<Graph> GraphAsync()
    {
        var marker = Unique()[..8];
        var practitioner = await PostAsync(new Practitioner { Name = [new HumanName { Family = "Lege" + marker }] });
        var organization = await PostAsync(new Organization { Name = "Kommune " + marker });
        var patient = NewPatient("Inkl" + marker);
        patient.GeneralPractitioner = [new ResourceReference("Practitioner/" + practitioner.Id)];
        patient.ManagingOrganization = new ResourceReference("Organization/" + organization.Id);
        var patientId = (await CreateAsync(patient)).Id;
        var observations = new List<string>();
        foreach (var date in new[] { "2020-01-01", "2021-01-01" })
        {
            observations.Add((await PostAsync(new Observation
            {
                Status = ObservationStatus.Final,
                Code = new CodeableConcept("urn:test:" + marker, "hb"),
                Subject = new ResourceReference("Patient/" + patientId),
                Performer = [new ResourceReference("Practitioner/" + practitioner.Id)],
                Effective = new FhirDateTime(date),
            })).Id);
        }

        var provenance = await PostAsync(new Provenance
        {
            Target = [new ResourceReference("Observation/" + observations[0])],
            Recorded = DateTimeOffset.UtcNow,
            Agent = [new Provenance.AgentComponent { Who = new ResourceReference("Practitioner/" + practitioner.Id) }],
        });
        return new Graph(marker, patientId, practitioner.Id, organization.Id, [.. observations], provenance.Id);
    }

    private async Task<(List<string> Matches, List<string> Included, OperationOutcome? Outcome)> SearchAsync(string query)
    {
        var bundle = await (await Client.GetAsync(query)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        List<string> Of(Bundle.SearchEntryMode mode) => bundle.Entry.Where(e => e.Search.Mode == mode).Select(e => e.Resource.TypeName + "/" + e.Resource.Id).Order().ToList();
        return (Of(Bundle.SearchEntryMode.Match), Of(Bundle.SearchEntryMode.Include), bundle.Entry.FirstOrDefault(e => e.Search.Mode == Bundle.SearchEntryMode.Outcome)?.Resource as OperationOutcome);
    }

    [Fact]
    public async Task Include_iterate_follows_references_of_included_resources_and_plain_include_does_not()
    {
        var g = await GraphAsync();
        var observations = $"Observation?code=urn:test:{g.Marker}|hb&_include=Observation:subject";

        var iterated = await SearchAsync($"{observations}&_include:iterate=Patient:general-practitioner&_include:iterate=Patient:organization");
        Assert.Equal(g.Observations.Select(o => "Observation/" + o).Order(), iterated.Matches);
        Assert.Equal(new[] { "Patient/" + g.Patient, "Practitioner/" + g.Practitioner, "Organization/" + g.Organization }.Order(), iterated.Included);
        Assert.Null(iterated.Outcome);

        // Without :iterate an include must start at the searched type: left out and said so.
        var plain = await SearchAsync($"{observations}&_include=Patient:general-practitioner");
        Assert.Equal(["Patient/" + g.Patient], plain.Included);
        Assert.Contains(plain.Outcome!.Issue, i => i.Diagnostics.Contains("Patient:general-practitioner", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Revinclude_iterate_brings_what_points_to_included_resources()
    {
        var g = await GraphAsync();
        var patients = $"Patient?family=Inkl{g.Marker}&_revinclude=Observation:subject";

        var iterated = await SearchAsync($"{patients}&_revinclude:iterate=Provenance:target");
        Assert.Equal(["Patient/" + g.Patient], iterated.Matches);
        Assert.Equal(g.Observations.Select(o => "Observation/" + o).Append("Provenance/" + g.Provenance).Order(), iterated.Included);

        // Not iterated, Provenance:target applies to the matched patients only, and none points to her.
        var plain = await SearchAsync($"{patients}&_revinclude=Provenance:target");
        Assert.Equal(g.Observations.Select(o => "Observation/" + o).Order(), plain.Included);
    }

    [Fact]
    public async Task Wildcards_include_every_reference_and_iterate_stops_when_nothing_new_comes()
    {
        var g = await GraphAsync();
        var observations = $"Observation?code=urn:test:{g.Marker}|hb";
        var direct = new[] { "Patient/" + g.Patient, "Practitioner/" + g.Practitioner }.Order().ToList();

        Assert.Equal(direct, (await SearchAsync($"{observations}&_include=*")).Included);
        Assert.Equal(direct, (await SearchAsync($"{observations}&_include=Observation:*")).Included);
        Assert.Equal(
            new[] { "Patient/" + g.Patient, "Practitioner/" + g.Practitioner, "Organization/" + g.Organization }.Order(),
            (await SearchAsync($"{observations}&_include:iterate=*")).Included);

        var referring = await SearchAsync($"Patient?family=Inkl{g.Marker}&_revinclude=*");
        Assert.Equal(g.Observations.Select(o => "Observation/" + o).Order(), referring.Included);
        var toObservations = await SearchAsync($"{observations}&_revinclude=Provenance:*");
        Assert.Equal(["Provenance/" + g.Provenance], toObservations.Included);
    }

    [Fact]
    public async Task The_CapabilityStatement_lists_the_includes_and_revincludes_the_server_takes()
    {
        var statement = await (await Client.GetAsync("metadata")).ExpectAsync<CapabilityStatement>(HttpStatusCode.OK);
        CapabilityStatement.ResourceComponent Of(string type) => statement.Rest[0].Resource.Single(r => r.Type == type);

        Assert.Contains("Condition:encounter", Of("Condition").SearchInclude);
        Assert.Contains("*", Of("Condition").SearchInclude);
        Assert.DoesNotContain("Condition:code", Of("Condition").SearchInclude);
        Assert.Contains("Observation:patient", Of("Patient").SearchRevInclude);
        Assert.Contains("Provenance:target", Of("Observation").SearchRevInclude);
        Assert.DoesNotContain("Observation:encounter", Of("Patient").SearchRevInclude);

        // Every one listed for Patient is accepted under strict handling: the statement claims nothing the server refuses.
        var patient = Of("Patient");
        foreach (var (name, value) in patient.SearchInclude.Select(v => ("_include", v)).Concat(patient.SearchRevInclude.Select(v => ("_revinclude", v))))
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"Patient?_id={Unique()[..8]}&{name}={Uri.EscapeDataString(value)}");
            request.Headers.Add("Prefer", "handling=strict");
            var response = await Client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}={value}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Iterated_includes_past_the_limit_are_reported_as_cut()
    {
        var g = await GraphAsync();
        var engine = Host.Services.GetRequiredService<FhirEngine>();
        var parameters = SearchParameters.FromQueryString($"code=urn:test:{g.Marker}|hb&_include=Observation:subject&_include:iterate=Patient:general-practitioner&_include:iterate=Patient:organization");
        var search = SearchParameters.Parse("Observation", parameters, strict: true, compartment: null, Samjournal.Fhir.Indexing.SearchParameterCatalog.Instance);

        var result = await engine.SearchAsync(null, search.Request with { IncludeLimit = 2 }, CancellationToken.None);

        Assert.Equal(2, result.Included.Count);
        Assert.Equal("Patient/" + g.Patient, result.Included[0].Type + "/" + result.Included[0].Id);
        Assert.NotEmpty(result.Truncated);
        Assert.All(result.Truncated, t => Assert.True(t.Iterate));
    }
}

public sealed class IncludeOnSqlite(SqliteHost host) : IncludeBehaviour(host), IClassFixture<SqliteHost>;

public sealed class IncludeOnPostgres(PostgresHost host) : IncludeBehaviour(host), IClassFixture<PostgresHost>;
