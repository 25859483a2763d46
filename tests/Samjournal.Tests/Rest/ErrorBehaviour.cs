using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Rest;

/// <summary>Bad input gets a 4xx OperationOutcome that says what is wrong, and changes nothing.</summary>
public abstract class ErrorBehaviour(SamjournalHost host) : RestTestBase(host)
{
    [Theory]
    [InlineData("{\"resourceType\":\"Patient\",", "could not be read")]
    [InlineData("not json at all", "could not be read")]
    [InlineData("{\"resourceType\":\"Patient\",\"birthDate\":\"not-a-date\"}", "birthDate")]
    [InlineData("{\"resourceType\":\"Patient\",\"gender\":\"sometimes\"}", "gender")]
    [InlineData("{\"resourceType\":\"Patient\",\"shoeSize\":42}", "shoeSize")]
    [InlineData("{\"resourceType\":\"Patient\",\"active\":\"yes\"}", "active")]
    [InlineData("{\"resourceType\":\"Wizard\"}", "Wizard")]
    [InlineData("", "empty")]
    public async Task Malformed_or_invalid_JSON_is_refused_with_400_naming_the_problem(string body, string named)
    {
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("Patient", FhirClientExtensions.Json(body)), HttpStatusCode.BadRequest, named);
    }

    [Theory]
    [InlineData("<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\"/>", "could not be read")]
    [InlineData("<Patient xmlns=\"http://hl7.org/fhir\"><birthDate value=\"31-12-2020\"/></Patient>", "birthDate")]
    [InlineData("<Patient><active value=\"true\"/></Patient>", "could not be read")]
    public async Task Malformed_XML_is_refused_with_400(string body, string named)
    {
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("Patient", new StringContent(body, Encoding.UTF8, "application/fhir+xml")), HttpStatusCode.BadRequest, named);
    }

    [Fact]
    public async Task A_body_of_another_type_than_the_URL_is_refused()
    {
        var observation = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}";
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("Patient", FhirClientExtensions.Json(observation)), HttpStatusCode.BadRequest, "Observation");
    }

    [Fact]
    public async Task An_update_whose_body_id_differs_from_the_URL_is_refused()
    {
        var created = await CreateAsync(NewPatient());
        var other = (Patient)created.DeepCopy();
        other.Id = "someone-else";
        await AssertRefusedWithoutChangeAsync(() => Client.PutAsync($"Patient/{created.Id}", FhirClientExtensions.Json(other)), HttpStatusCode.BadRequest, "differs");
        other.Id = null;
        await AssertRefusedWithoutChangeAsync(() => Client.PutAsync($"Patient/{created.Id}", FhirClientExtensions.Json(other)), HttpStatusCode.BadRequest, "id");
    }

    [Fact]
    public async Task Unknown_types_ids_and_versions_answer_404()
    {
        await (await Client.GetAsync("Wizard/1")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await Client.GetAsync("Patient/does-not-exist")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await (await Client.GetAsync("Patient/x/_history/abc")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("Wizard", FhirClientExtensions.Json("{\"resourceType\":\"Patient\"}")), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_invalid_id_in_the_URL_is_refused_with_400()
    {
        var patient = NewPatient();
        patient.Id = new string('x', 65);
        await AssertRefusedWithoutChangeAsync(() => Client.PutAsync($"Patient/{patient.Id}", FhirClientExtensions.Json(patient)), HttpStatusCode.BadRequest, "Patient.id");
        await (await Client.GetAsync("Patient/bad$id")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await AssertRefusedWithoutChangeAsync(() => Client.DeleteAsync("Patient/bad$id"), HttpStatusCode.BadRequest, "not a valid id");
    }

    [Fact]
    public async Task A_body_that_is_not_FHIR_gets_415_and_an_unacceptable_Accept_gets_406()
    {
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("Patient", new StringContent("a,b,c", Encoding.UTF8, "text/csv")), HttpStatusCode.UnsupportedMediaType, "text/csv");
        var request = new HttpRequestMessage(HttpMethod.Get, "metadata");
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        await (await Client.SendAsync(request)).ExpectOutcomeAsync(HttpStatusCode.NotAcceptable);
    }

    [Fact]
    public async Task A_malformed_If_Match_is_refused_with_400()
    {
        var created = await CreateAsync(NewPatient());
        var request = new HttpRequestMessage(HttpMethod.Put, $"Patient/{created.Id}") { Content = FhirClientExtensions.Json(created) };
        request.Headers.TryAddWithoutValidation("If-Match", "W/\"banana\"");
        await AssertRefusedWithoutChangeAsync(() => Client.SendAsync(request), HttpStatusCode.BadRequest, "banana");
    }

    [Fact]
    public async Task A_method_the_API_does_not_have_gets_405()
    {
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("Patient/123", FhirClientExtensions.Json(NewPatient())), HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Deleting_with_a_stale_If_Match_is_refused_with_412()
    {
        var created = await CreateAsync(NewPatient());
        await Client.PutAsync($"Patient/{created.Id}", FhirClientExtensions.Json(created));
        var request = new HttpRequestMessage(HttpMethod.Delete, $"Patient/{created.Id}");
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", true));
        await AssertRefusedWithoutChangeAsync(() => Client.SendAsync(request), HttpStatusCode.PreconditionFailed);
    }
}

public sealed class ErrorsOnSqlite(SqliteHost host) : ErrorBehaviour(host), IClassFixture<SqliteHost>;

public sealed class ErrorsOnPostgres(PostgresHost host) : ErrorBehaviour(host), IClassFixture<PostgresHost>;
