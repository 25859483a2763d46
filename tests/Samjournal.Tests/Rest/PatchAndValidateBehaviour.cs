using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Rest;

public abstract class PatchAndValidateBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private HttpRequestMessage PatchRequest(string url, string body, string mediaType, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{ifMatch}\"", true));
        }

        return request;
    }

    [Fact]
    public async Task A_JSON_Patch_makes_a_new_version_with_the_change()
    {
        var created = await CreateAsync(NewPatient());
        var patch = "[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"male\"},{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]";

        var patched = await (await Client.SendAsync(PatchRequest($"Patient/{created.Id}", patch, "application/json-patch+json"))).ExpectAsync<Patient>(HttpStatusCode.OK);

        Assert.Equal("2", patched.Meta.VersionId);
        Assert.Equal(AdministrativeGender.Male, patched.Gender);
        Assert.True(patched.Active);
    }

    [Fact]
    public async Task A_FHIRPath_Patch_makes_a_new_version_with_the_change()
    {
        var created = await CreateAsync(NewPatient());
        var parameters = new Parameters();
        Hl7.Fhir.Rest.PatchParameterExtensions.AddReplacePatchParameter(parameters, "Patient.birthDate", new Date("1999-09-09"));
        var body = await FhirClientExtensions.Json(parameters).ReadAsStringAsync();

        var patched = await (await Client.SendAsync(PatchRequest($"Patient/{created.Id}", body, "application/fhir+json"))).ExpectAsync<Patient>(HttpStatusCode.OK);

        Assert.Equal("1999-09-09", patched.BirthDate);
        Assert.Equal("2", patched.Meta.VersionId);
    }

    [Fact]
    public async Task A_failing_patch_test_is_422_a_malformed_patch_400_and_a_stale_If_Match_412_all_without_change()
    {
        var created = await CreateAsync(NewPatient());
        await AssertRefusedWithoutChangeAsync(() => Client.SendAsync(PatchRequest($"Patient/{created.Id}", "[{\"op\":\"test\",\"path\":\"/gender\",\"value\":\"male\"}]", "application/json-patch+json")), HttpStatusCode.UnprocessableEntity);
        await AssertRefusedWithoutChangeAsync(() => Client.SendAsync(PatchRequest($"Patient/{created.Id}", "[{\"op\":\"fly\"}]", "application/json-patch+json")), HttpStatusCode.BadRequest);
        await AssertRefusedWithoutChangeAsync(() => Client.SendAsync(PatchRequest($"Patient/{created.Id}", "[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"martian\"}]", "application/json-patch+json")), HttpStatusCode.UnprocessableEntity);
        await AssertRefusedWithoutChangeAsync(() => Client.SendAsync(PatchRequest($"Patient/{created.Id}", "[{\"op\":\"replace\",\"path\":\"/id\",\"value\":\"other\"}]", "application/json-patch+json")), HttpStatusCode.UnprocessableEntity);
        await AssertRefusedWithoutChangeAsync(() => Client.SendAsync(PatchRequest($"Patient/{created.Id}", "[{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]", "application/json-patch+json", ifMatch: "9")), HttpStatusCode.PreconditionFailed);
        await AssertRefusedWithoutChangeAsync(() => Client.SendAsync(PatchRequest("Patient/not-there", "[]", "application/json-patch+json")), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Validate_answers_200_with_the_issues_for_an_invalid_resource_and_changes_nothing()
    {
        var before = await NewestVersionAsync();
        var observation = "{\"resourceType\":\"Observation\",\"valueString\":\"x\"}";

        var outcome = await (await Client.PostAsync("Observation/$validate", FhirClientExtensions.Json(observation))).ExpectAsync<OperationOutcome>(HttpStatusCode.OK);

        Assert.Contains(outcome.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Error && $"{i.Details?.Text} {i.Diagnostics}".Contains("status", StringComparison.Ordinal));
        Assert.Equal(before, await NewestVersionAsync());
    }

    [Fact]
    public async Task Validate_on_a_stored_resource_finds_no_errors()
    {
        var created = await CreateAsync(NewPatient());

        var outcome = await (await Client.GetAsync($"Patient/{created.Id}/$validate")).ExpectAsync<OperationOutcome>(HttpStatusCode.OK);

        Assert.DoesNotContain(outcome.Issue, i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
    }
}

public sealed class PatchAndValidateOnSqlite(SqliteHost host) : PatchAndValidateBehaviour(host), IClassFixture<SqliteHost>;

public sealed class PatchAndValidateOnPostgres(PostgresHost host) : PatchAndValidateBehaviour(host), IClassFixture<PostgresHost>;
