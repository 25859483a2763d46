using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Rest;

public abstract class FormatBehaviour(SamjournalHost host) : RestTestBase(host)
{
    [Fact]
    public async Task A_resource_written_as_XML_reads_back_as_the_same_resource_in_JSON_and_XML()
    {
        var patient = NewPatient("Ødegård");
        var xml = new FhirXmlSerializer().SerializeToString(patient);
        var response = await Client.PostAsync("Patient", new StringContent(xml, Encoding.UTF8, "application/fhir+xml"));
        var created = await response.ExpectAsync<Patient>(HttpStatusCode.Created);

        var asXml = await Client.GetAsync($"Patient/{created.Id}?_format=xml");
        Assert.Equal("application/fhir+xml", asXml.Content.Headers.ContentType?.MediaType);
        var parsed = (Patient)new FhirXmlDeserializer(new DeserializerSettings()).DeserializeResource(await asXml.Content.ReadAsStringAsync());
        Assert.Equal("Ødegård", parsed.Name[0].Family);
        Assert.True(created.IsExactly(parsed));

        var request = new HttpRequestMessage(HttpMethod.Get, $"Patient/{created.Id}");
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+xml"));
        var accepted = await Client.SendAsync(request);
        Assert.Equal("application/fhir+xml", accepted.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Summary_and_elements_shape_the_returned_resource()
    {
        var patient = NewPatient();
        patient.Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Kari</div>" };
        var created = await CreateAsync(patient);

        var elements = await (await Client.GetAsync($"Patient/{created.Id}?_elements=gender")).ExpectAsync<Patient>(HttpStatusCode.OK);
        Assert.Equal(AdministrativeGender.Female, elements.Gender);
        Assert.Empty(elements.Name);

        var text = await (await Client.GetAsync($"Patient/{created.Id}?_summary=text")).ExpectAsync<Patient>(HttpStatusCode.OK);
        Assert.NotNull(text.Text);
        Assert.Empty(text.Name);
    }
}

public sealed class FormatsOnSqlite(SqliteHost host) : FormatBehaviour(host), IClassFixture<SqliteHost>;

public sealed class FormatsOnPostgres(PostgresHost host) : FormatBehaviour(host), IClassFixture<PostgresHost>;
