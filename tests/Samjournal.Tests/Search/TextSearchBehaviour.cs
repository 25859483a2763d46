using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Search;

/// <summary>_text (narrative) and _content (all text) over HTTP.</summary>
public abstract class TextSearchBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private const string Xhtml = "http://www.w3.org/1999/xhtml";

    private async Task<Observation> ObservationAsync(string patientId, string? narrative, string? note)
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("urn:test", "note"),
            Subject = new ResourceReference($"Patient/{patientId}"),
            Text = narrative is null ? null : new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = $"<div xmlns=\"{Xhtml}\">{narrative}</div>" },
            Note = note is null ? [] : [new Annotation { Text = note }],
        };
        return await (await Client.PostAsync("Observation", FhirClientExtensions.Json(observation))).ExpectAsync<Observation>(HttpStatusCode.Created);
    }

    private async Task<IEnumerable<string>> IdsAsync(string query)
    {
        var bundle = await (await Client.GetAsync(query)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.DoesNotContain(bundle.Entry, e => e.Search.Mode == Bundle.SearchEntryMode.Outcome);
        return bundle.Entry.Select(e => e.Resource.Id!).Order(StringComparer.Ordinal);
    }

    private static IEnumerable<string> Sorted(params Resource[] resources) => resources.Select(r => r.Id!).Order(StringComparer.Ordinal);

    [Fact]
    public async Task Text_searches_the_narrative_and_content_all_text_ignoring_case_and_Norwegian_letters()
    {
        var patient = await CreateAsync(NewPatient());
        var scope = $"Observation?subject=Patient/{patient.Id}";
        var fever = await ObservationAsync(patient.Id, "<p>Pasient <b>Ødegård</b> har feber &amp; hoste</p>", "Blodprøve tatt i Trondheim");
        var control = await ObservationAsync(patient.Id, "<p>Kontroll hos fastlege</p>", "Pasient Ødegård ringte");
        await ObservationAsync(patient.Id, null, "Ingen funn");

        Assert.Equal(Sorted(fever), await IdsAsync($"{scope}&_text=odegard"));
        Assert.Equal(Sorted(fever, control), await IdsAsync($"{scope}&_content=odegard"));
        Assert.Equal(Sorted(fever), await IdsAsync($"{scope}&_text=ODEGÅRD feber"));
        Assert.Empty(await IdsAsync($"{scope}&_text=odegard kontroll"));
        Assert.Equal(Sorted(fever, control), await IdsAsync($"{scope}&_text=feber,kontroll"));
        Assert.Equal(Sorted(fever), await IdsAsync($"{scope}&_content=trondh blodprove"));
        Assert.Empty(await IdsAsync($"{scope}&_text=trondheim"));

        // Words are matched from their start: part of a word in the middle is not a match.
        Assert.Empty(await IdsAsync($"{scope}&_content=egard"));
    }

    [Fact]
    public async Task A_new_version_replaces_the_old_words_and_a_deleted_resource_is_not_found()
    {
        var patient = await CreateAsync(NewPatient());
        var scope = $"Observation?subject=Patient/{patient.Id}";
        var observation = await ObservationAsync(patient.Id, "<p>Smerter i kneet</p>", null);
        Assert.Equal(Sorted(observation), await IdsAsync($"{scope}&_text=kneet"));

        observation.Text.Div = $"<div xmlns=\"{Xhtml}\"><p>Smerter i hofta</p></div>";
        observation.Meta = null;
        await (await Client.PutAsync($"Observation/{observation.Id}", FhirClientExtensions.Json(observation))).ExpectAsync<Observation>(HttpStatusCode.OK);
        Assert.Empty(await IdsAsync($"{scope}&_text=kneet"));
        Assert.Equal(Sorted(observation), await IdsAsync($"{scope}&_text=hofta"));

        await Client.DeleteAsync($"Observation/{observation.Id}");
        Assert.Empty(await IdsAsync($"{scope}&_text=hofta"));
    }

    [Fact]
    public async Task Content_finds_a_patient_by_name_and_the_capability_statement_lists_both()
    {
        var marker = Unique()[..8];
        var patient = await CreateAsync(NewPatient($"Ødegård{marker}"));
        await CreateAsync(NewPatient($"Hansen{marker}"));

        Assert.Equal(Sorted(patient), await IdsAsync($"Patient?_content=odegard{marker}"));

        var capabilities = await (await Client.GetAsync("metadata")).ExpectAsync<CapabilityStatement>(HttpStatusCode.OK);
        var observation = capabilities.Rest[0].Resource.Single(r => r.Type == "Observation");
        Assert.Contains(observation.SearchParam, p => p.Name == "_text" && p.Type == SearchParamType.String);
        Assert.Contains(observation.SearchParam, p => p.Name == "_content" && p.Type == SearchParamType.String);
        var bundle = capabilities.Rest[0].Resource.Single(r => r.Type == "Bundle");
        Assert.DoesNotContain(bundle.SearchParam, p => p.Name == "_text");
    }

    [Fact]
    public async Task Modifiers_and_values_without_words_are_refused()
    {
        var strict = new HttpRequestMessage(HttpMethod.Get, "Observation?_text:exact=feber");
        strict.Headers.Add("Prefer", "handling=strict");
        await (await Client.SendAsync(strict)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await (await Client.GetAsync("Observation?_content=---")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class TextSearchOnSqlite(SqliteHost host) : TextSearchBehaviour(host), IClassFixture<SqliteHost>;

public sealed class TextSearchOnPostgres(PostgresHost host) : TextSearchBehaviour(host), IClassFixture<PostgresHost>;
