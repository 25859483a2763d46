using System.Net;
using System.Net.Http.Headers;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Rest;

public abstract class CrudBehaviour(SamjournalHost host) : RestTestBase(host)
{
    [Fact]
    public async Task Create_assigns_id_version_and_lastUpdated_and_answers_201_with_location_and_etag()
    {
        var response = await Client.PostAsync("Patient", FhirClientExtensions.Json(NewPatient()));
        var created = await response.ExpectAsync<Patient>(HttpStatusCode.Created);

        Assert.False(string.IsNullOrEmpty(created.Id));
        Assert.Equal("1", created.Meta.VersionId);
        Assert.NotNull(created.Meta.LastUpdated);
        Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
        Assert.EndsWith($"/fhir/Patient/{created.Id}/_history/1", response.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.NotNull(response.Content.Headers.LastModified);
    }

    [Fact]
    public async Task Read_returns_exactly_what_was_stored()
    {
        var created = await CreateAsync(NewPatient("Ødegård"));
        var response = await Client.GetAsync($"Patient/{created.Id}");
        var read = await response.ExpectAsync<Patient>(HttpStatusCode.OK);

        Assert.True(created.IsExactly(read));
        Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task An_update_makes_a_new_version_and_the_old_one_stays_readable()
    {
        var created = await CreateAsync(NewPatient("Bjørnstad"));
        created.Name[0].Family = "Åsheim";
        var updated = await (await Client.PutAsync($"Patient/{created.Id}", FhirClientExtensions.Json(created))).ExpectAsync<Patient>(HttpStatusCode.OK);

        Assert.Equal("2", updated.Meta.VersionId);
        var v1 = await (await Client.GetAsync($"Patient/{created.Id}/_history/1")).ExpectAsync<Patient>(HttpStatusCode.OK);
        var v2 = await (await Client.GetAsync($"Patient/{created.Id}/_history/2")).ExpectAsync<Patient>(HttpStatusCode.OK);
        Assert.Equal("Bjørnstad", v1.Name[0].Family);
        Assert.Equal("Åsheim", v2.Name[0].Family);
        await (await Client.GetAsync($"Patient/{created.Id}/_history/3")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Update_as_create_keeps_the_client_id_and_answers_201_then_200()
    {
        var id = "client-" + Unique()[..20];
        var patient = NewPatient();
        patient.Id = id;

        var first = await Client.PutAsync($"Patient/{id}", FhirClientExtensions.Json(patient));
        var created = await first.ExpectAsync<Patient>(HttpStatusCode.Created);
        var second = await Client.PutAsync($"Patient/{id}", FhirClientExtensions.Json(patient));
        var updated = await second.ExpectAsync<Patient>(HttpStatusCode.OK);

        Assert.Equal(id, created.Id);
        Assert.Equal("1", created.Meta.VersionId);
        Assert.Equal("2", updated.Meta.VersionId);
    }

    [Fact]
    public async Task An_update_with_a_stale_If_Match_is_refused_with_412_and_changes_nothing()
    {
        var created = await CreateAsync(NewPatient());
        created.Gender = AdministrativeGender.Male;
        await (await Client.PutAsync($"Patient/{created.Id}", FhirClientExtensions.Json(created))).ExpectAsync<Patient>(HttpStatusCode.OK);

        created.Gender = AdministrativeGender.Other;
        await AssertRefusedWithoutChangeAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, $"Patient/{created.Id}") { Content = FhirClientExtensions.Json(created) };
                request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
                return Client.SendAsync(request);
            },
            HttpStatusCode.PreconditionFailed,
            "version 2");
    }

    [Fact]
    public async Task Concurrent_edits_of_one_version_let_exactly_one_win_and_the_rest_get_412()
    {
        var created = await CreateAsync(NewPatient());
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            var copy = (Patient)created.DeepCopy();
            copy.Name[0].Given = [$"Writer{i}"];
            var request = new HttpRequestMessage(HttpMethod.Put, $"Patient/{created.Id}") { Content = FhirClientExtensions.Json(copy) };
            request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
            return (await Client.SendAsync(request)).StatusCode;
        });

        var statuses = await Task.WhenAll(attempts);

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(7, statuses.Count(s => s == HttpStatusCode.PreconditionFailed));
        var history = await (await Client.GetAsync($"Patient/{created.Id}/_history")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(2, history.Entry.Count);
    }

    [Fact]
    public async Task Delete_makes_a_tombstone_read_answers_410_and_history_stays_readable()
    {
        var created = await CreateAsync(NewPatient());

        var delete = await Client.DeleteAsync($"Patient/{created.Id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal("W/\"2\"", delete.Headers.ETag?.ToString());
        await (await Client.GetAsync($"Patient/{created.Id}")).ExpectOutcomeAsync(HttpStatusCode.Gone);
        await (await Client.GetAsync($"Patient/{created.Id}/_history/2")).ExpectOutcomeAsync(HttpStatusCode.Gone);
        var v1 = await (await Client.GetAsync($"Patient/{created.Id}/_history/1")).ExpectAsync<Patient>(HttpStatusCode.OK);
        Assert.Equal(created.Id, v1.Id);

        var again = await Client.DeleteAsync($"Patient/{created.Id}");
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        var history = await (await Client.GetAsync($"Patient/{created.Id}/_history")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(2, history.Entry.Count);
        Assert.Equal(Bundle.HTTPVerb.DELETE, history.Entry[0].Request.Method);
        Assert.Null(history.Entry[0].Resource);
    }

    [Fact]
    public async Task A_deleted_resource_can_be_brought_back_by_an_update()
    {
        var created = await CreateAsync(NewPatient());
        await Client.DeleteAsync($"Patient/{created.Id}");

        var revived = await (await Client.PutAsync($"Patient/{created.Id}", FhirClientExtensions.Json(created))).ExpectAsync<Patient>(HttpStatusCode.Created);

        Assert.Equal("3", revived.Meta.VersionId);
        await (await Client.GetAsync($"Patient/{created.Id}")).ExpectAsync<Patient>(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Prefer_return_minimal_answers_without_a_body_and_OperationOutcome_with_one()
    {
        var minimal = new HttpRequestMessage(HttpMethod.Post, "Patient") { Content = FhirClientExtensions.Json(NewPatient()) };
        minimal.Headers.Add("Prefer", "return=minimal");
        var response = await Client.SendAsync(minimal);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.NotNull(response.Headers.Location);

        var outcome = new HttpRequestMessage(HttpMethod.Post, "Patient") { Content = FhirClientExtensions.Json(NewPatient()) };
        outcome.Headers.Add("Prefer", "return=OperationOutcome");
        var withOutcome = await (await Client.SendAsync(outcome)).ExpectAsync<OperationOutcome>(HttpStatusCode.Created);
        Assert.Equal(OperationOutcome.IssueSeverity.Information, withOutcome.Issue[0].Severity);
    }

    [Fact]
    public async Task The_CapabilityStatement_is_R4_and_names_the_interactions_served()
    {
        var statement = await (await Client.GetAsync("metadata")).ExpectAsync<CapabilityStatement>(HttpStatusCode.OK);

        Assert.Equal(FHIRVersion.N4_0_1, statement.FhirVersion);
        var patient = statement.Rest[0].Resource.Single(r => r.Type == "Patient");
        Assert.Contains(patient.Interaction, i => i.Code == CapabilityStatement.TypeRestfulInteraction.Vread);
        Assert.Contains(statement.Rest[0].Interaction, i => i.Code == CapabilityStatement.SystemRestfulInteraction.Transaction);
        Assert.True(patient.UpdateCreate);
        Assert.Contains(patient.SearchParam, p => p.Name == "identifier" && p.Type == SearchParamType.Token);
        // Special parameters are listed only when answered: _list is, Location near is not.
        Assert.DoesNotContain(patient.SearchParam, p => p.Type is SearchParamType.Composite || (p.Type is SearchParamType.Special && p.Name != "_list"));
    }
}

public sealed class CrudOnSqlite(SqliteHost host) : CrudBehaviour(host), IClassFixture<SqliteHost>;

public sealed class CrudOnPostgres(PostgresHost host) : CrudBehaviour(host), IClassFixture<PostgresHost>;
