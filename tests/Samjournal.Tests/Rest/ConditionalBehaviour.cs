using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Rest;

public abstract class ConditionalBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private const string Fnr = "urn:oid:2.16.578.1.12.4.1.4.1";

    private HttpRequestMessage ConditionalCreate(Patient patient, string criteria)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "Patient") { Content = FhirClientExtensions.Json(patient) };
        request.Headers.Add("If-None-Exist", criteria);
        return request;
    }

    [Fact]
    public async Task Conditional_create_makes_the_resource_once_and_then_returns_the_existing_one()
    {
        var patient = NewPatient();
        var criteria = $"identifier={Fnr}|{patient.Identifier[0].Value}";

        var first = await (await Client.SendAsync(ConditionalCreate(patient, criteria))).ExpectAsync<Patient>(HttpStatusCode.Created);
        var second = await (await Client.SendAsync(ConditionalCreate(patient, criteria))).ExpectAsync<Patient>(HttpStatusCode.OK);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("1", second.Meta.VersionId);
    }

    [Fact]
    public async Task Conditional_create_matching_two_resources_is_refused_with_412()
    {
        var shared = Unique();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var p = NewPatient();
            p.Identifier.Add(new Identifier("urn:example:shared", shared));
            await CreateAsync(p);
        }

        await AssertRefusedWithoutChangeAsync(() => Client.SendAsync(ConditionalCreate(NewPatient(), $"identifier=urn:example:shared|{shared}")), HttpStatusCode.PreconditionFailed, "more than one");
    }

    [Fact]
    public async Task Conditional_update_updates_the_one_match_or_creates_when_none_matches()
    {
        var patient = NewPatient();
        var criteria = $"identifier={Fnr}|{patient.Identifier[0].Value}";

        var created = await (await Client.PutAsync($"Patient?{criteria}", FhirClientExtensions.Json(patient))).ExpectAsync<Patient>(HttpStatusCode.Created);
        patient.Name[0].Family = "Endret";
        var updated = await (await Client.PutAsync($"Patient?{criteria}", FhirClientExtensions.Json(patient))).ExpectAsync<Patient>(HttpStatusCode.OK);

        Assert.Equal(created.Id, updated.Id);
        Assert.Equal("2", updated.Meta.VersionId);
        Assert.Equal("Endret", updated.Name[0].Family);
    }

    [Fact]
    public async Task Conditional_delete_deletes_the_single_match()
    {
        var created = await CreateAsync(NewPatient());

        var response = await Client.DeleteAsync($"Patient?identifier={Fnr}|{created.Identifier[0].Value}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await Client.GetAsync($"Patient/{created.Id}")).ExpectOutcomeAsync(HttpStatusCode.Gone);
    }

    [Fact]
    public async Task Conditional_criteria_with_an_unknown_parameter_are_refused_rather_than_ignored()
    {
        // Ignoring the parameter would widen the match: a conditional delete could then hit anything.
        await CreateAsync(NewPatient());
        await AssertRefusedWithoutChangeAsync(() => Client.DeleteAsync("Patient?no-such-parameter=1"), HttpStatusCode.BadRequest, "no-such-parameter");
        await AssertRefusedWithoutChangeAsync(() => Client.DeleteAsync("Patient"), HttpStatusCode.BadRequest, "needs search criteria");
    }
}

public sealed class ConditionalOnSqlite(SqliteHost host) : ConditionalBehaviour(host), IClassFixture<SqliteHost>;

public sealed class ConditionalOnPostgres(PostgresHost host) : ConditionalBehaviour(host), IClassFixture<PostgresHost>;
