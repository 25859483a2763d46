using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Search;

/// <summary>Type-level search over HTTP; every expected result is built by the test itself.</summary>
public abstract class SearchBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private async Task<List<T>> SearchAsync<T>(string query)
        where T : Resource
    {
        var results = new List<T>();
        string? url = query;
        while (url is not null)
        {
            var bundle = await (await Client.GetAsync(url)).ExpectAsync<Bundle>(HttpStatusCode.OK);
            Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
            results.AddRange(bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => (T)e.Resource));
            url = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
        }

        return results;
    }

    private async Task<Observation> ObservationAsync(string patientId, string date, string marker)
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("urn:test:" + marker, "hb"),
            Subject = new ResourceReference($"Patient/{patientId}"),
            Effective = new FhirDateTime(date),
        };
        return await (await Client.PostAsync("Observation", FhirClientExtensions.Json(observation))).ExpectAsync<Observation>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_token_search_finds_exactly_the_patient_with_that_identifier()
    {
        var target = await CreateAsync(NewPatient());
        await CreateAsync(NewPatient());

        var found = await SearchAsync<Patient>($"Patient?identifier={target.Identifier[0].System}|{target.Identifier[0].Value}");

        Assert.Equal([target.Id], found.Select(p => p.Id));
    }

    [Fact]
    public async Task A_name_search_ignores_case_and_Norwegian_letters_and_exact_does_not()
    {
        var marker = Unique()[..8];
        var odegard = await CreateAsync(NewPatient($"Ødegård{marker}"));
        await CreateAsync(NewPatient($"Andersen{marker}"));

        Assert.Equal([odegard.Id], (await SearchAsync<Patient>($"Patient?family=ødegard{marker}")).Select(p => p.Id));
        Assert.Equal([odegard.Id], (await SearchAsync<Patient>($"Patient?family=ODEGÅRD{marker}")).Select(p => p.Id));
        Assert.Empty(await SearchAsync<Patient>($"Patient?family:exact=ødegård{marker}"));
        Assert.Equal([odegard.Id], (await SearchAsync<Patient>($"Patient?family:exact=Ødegård{marker}")).Select(p => p.Id));
    }

    [Fact]
    public async Task Reference_and_date_searches_return_what_the_test_computes()
    {
        var marker = Unique()[..8];
        var patient = await CreateAsync(NewPatient());
        var other = await CreateAsync(NewPatient());
        var dates = new[] { "2019-06-01", "2020-02-10", "2020-12-31", "2021-01-01", "2022-07-15" };
        var mine = new List<(string Id, string Date)>();
        foreach (var date in dates)
        {
            mine.Add(((await ObservationAsync(patient.Id, date, marker)).Id, date));
        }

        await ObservationAsync(other.Id, "2020-05-05", marker);

        var byPatient = await SearchAsync<Observation>($"Observation?subject=Patient/{patient.Id}");
        Assert.Equal(mine.Select(m => m.Id).Order(), byPatient.Select(o => o.Id).Order());

        var expected2020 = mine.Where(m => m.Date.StartsWith("2020", StringComparison.Ordinal)).Select(m => m.Id).Order();
        var in2020 = await SearchAsync<Observation>($"Observation?patient={patient.Id}&date=2020");
        Assert.Equal(expected2020, in2020.Select(o => o.Id).Order());

        var expectedFrom2021 = mine.Where(m => string.CompareOrdinal(m.Date, "2021-01-01") >= 0).Select(m => m.Id).Order();
        var from2021 = await SearchAsync<Observation>($"Observation?code=urn:test:{marker}|hb&subject=Patient/{patient.Id}&date=ge2021-01-01");
        Assert.Equal(expectedFrom2021, from2021.Select(o => o.Id).Order());
    }

    [Fact]
    public async Task Quantity_and_number_searches_honour_prefixes_units_and_precision()
    {
        var marker = Unique()[..8];
        var patient = await CreateAsync(NewPatient());
        var values = new[] { 4.9m, 5.4m, 5.44m, 6.1m };
        var made = new List<(string Id, decimal Value)>();
        foreach (var value in values)
        {
            var observation = new Observation
            {
                Status = ObservationStatus.Final,
                Code = new CodeableConcept("urn:test:" + marker, "glucose"),
                Subject = new ResourceReference($"Patient/{patient.Id}"),
                Value = new Quantity { Value = value, System = "http://unitsofmeasure.org", Code = "mmol/L", Unit = "mmol/L" },
            };
            made.Add(((await (await Client.PostAsync("Observation", FhirClientExtensions.Json(observation))).ExpectAsync<Observation>(HttpStatusCode.Created)).Id, value));
        }

        var scope = $"subject=Patient/{patient.Id}";
        Assert.Equal(
            made.Where(m => m.Value > 5.4m).Select(m => m.Id).Order(),
            (await SearchAsync<Observation>($"Observation?{scope}&value-quantity=gt5.4|http://unitsofmeasure.org|mmol/L")).Select(o => o.Id).Order());
        Assert.Equal(
            made.Where(m => m.Value >= 5.35m && m.Value < 5.45m).Select(m => m.Id).Order(),
            (await SearchAsync<Observation>($"Observation?{scope}&value-quantity=5.4||mmol/L")).Select(o => o.Id).Order());
        Assert.Empty(await SearchAsync<Observation>($"Observation?{scope}&value-quantity=5.4|http://unitsofmeasure.org|mg/dL"));

        var risk = new RiskAssessment
        {
            Status = ObservationStatus.Final,
            Subject = new ResourceReference($"Patient/{patient.Id}"),
            Prediction = [new RiskAssessment.PredictionComponent { Probability = new FhirDecimal(0.25m) }],
        };
        var stored = await (await Client.PostAsync("RiskAssessment", FhirClientExtensions.Json(risk))).ExpectAsync<RiskAssessment>(HttpStatusCode.Created);
        Assert.Equal([stored.Id], (await SearchAsync<RiskAssessment>($"RiskAssessment?subject=Patient/{patient.Id}&probability=ge0.2")).Select(r => r.Id));
        Assert.Empty(await SearchAsync<RiskAssessment>($"RiskAssessment?subject=Patient/{patient.Id}&probability=gt0.3"));
    }

    [Fact]
    public async Task Compartment_search_returns_only_that_patients_resources()
    {
        var marker = Unique()[..8];
        var patient = await CreateAsync(NewPatient());
        var other = await CreateAsync(NewPatient());
        var mine = new[] { await ObservationAsync(patient.Id, "2020-01-01", marker), await ObservationAsync(patient.Id, "2021-01-01", marker) };
        await ObservationAsync(other.Id, "2020-01-01", marker);

        var found = await SearchAsync<Observation>($"Patient/{patient.Id}/Observation");
        Assert.Equal(mine.Select(o => o.Id).Order(), found.Select(o => o.Id).Order());
        var filtered = await SearchAsync<Observation>($"Patient/{patient.Id}/Observation?date=2021");
        Assert.Equal([mine[1].Id], filtered.Select(o => o.Id));

        await (await Client.GetAsync($"Patient/{patient.Id}/Organization")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        var history = await (await Client.GetAsync($"Patient/{patient.Id}/_history")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(Bundle.BundleType.History, history.Type);
    }

    [Fact]
    public async Task Missing_and_not_modifiers_follow_the_spec()
    {
        var marker = Unique()[..8];
        var male = NewPatient($"Mod{marker}");
        male.Gender = AdministrativeGender.Male;
        var female = NewPatient($"Mod{marker}");
        var unknown = NewPatient($"Mod{marker}");
        unknown.Gender = null;
        var ids = new Dictionary<string, string>
        {
            ["male"] = (await CreateAsync(male)).Id,
            ["female"] = (await CreateAsync(female)).Id,
            ["none"] = (await CreateAsync(unknown)).Id,
        };

        async Task<IEnumerable<string>> Ids(string query) => (await SearchAsync<Patient>($"Patient?family=Mod{marker}&{query}")).Select(p => p.Id!).Order();

        Assert.Equal([ids["none"]], await Ids("gender:missing=true"));
        Assert.Equal(new[] { ids["male"], ids["female"] }.Order(), await Ids("gender:missing=false"));
        Assert.Equal(new[] { ids["female"], ids["none"] }.Order(), await Ids("gender:not=male"));
        await (await Client.GetAsync($"Patient?gender:missing=maybe")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Include_and_revinclude_bring_the_referenced_and_referring_resources()
    {
        var marker = Unique()[..8];
        var patient = await CreateAsync(NewPatient($"Inkl{marker}"));
        var observations = new[] { await ObservationAsync(patient.Id, "2020-01-01", marker), await ObservationAsync(patient.Id, "2021-01-01", marker) };

        var included = await (await Client.GetAsync($"Observation?code=urn:test:{marker}|hb&_include=Observation:subject")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(observations.Select(o => o.Id).Order(), included.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id).Order());
        Assert.Equal([patient.Id], included.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Include).Select(e => e.Resource.Id));

        var reverse = await (await Client.GetAsync($"Patient?family=Inkl{marker}&_revinclude=Observation:subject")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal([patient.Id], reverse.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id));
        Assert.Equal(observations.Select(o => o.Id).Order(), reverse.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Include).Select(e => e.Resource.Id).Order());

        var strict = new HttpRequestMessage(HttpMethod.Get, $"Observation?code=urn:test:{marker}|hb&_include:recurse=Observation:subject");
        strict.Headers.Add("Prefer", "handling=strict");
        await (await Client.SendAsync(strict)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_chained_parameter_finds_observations_by_the_patients_national_id_or_name()
    {
        var marker = Unique()[..8];
        var patient = await CreateAsync(NewPatient($"Kjede{marker}"));
        var other = await CreateAsync(NewPatient($"Annen{marker}"));
        var mine = await ObservationAsync(patient.Id, "2020-01-01", marker);
        await ObservationAsync(other.Id, "2020-01-01", marker);
        var fnr = $"{patient.Identifier[0].System}|{patient.Identifier[0].Value}";

        Assert.Equal([mine.Id], (await SearchAsync<Observation>($"Observation?patient.identifier={fnr}")).Select(o => o.Id));
        Assert.Equal([mine.Id], (await SearchAsync<Observation>($"Observation?subject:Patient.family=kjede{marker}")).Select(o => o.Id));
        Assert.Empty(await SearchAsync<Observation>($"Observation?patient.family=ingen{marker}"));

        // A chain through a parameter the target does not have is refused under strict handling rather than ignored.
        var nonsense = new HttpRequestMessage(HttpMethod.Get, $"Observation?patient.nonsense=x");
        nonsense.Headers.Add("Prefer", "handling=strict");
        await (await Client.SendAsync(nonsense)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Text_type_identifier_below_and_above_modifiers_match_as_the_spec_says()
    {
        var marker = Unique()[..8];
        var patient = await CreateAsync(NewPatient());
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("urn:test:" + marker, "hb", $"Hemoglobin {marker}"),
            Subject = new ResourceReference($"Patient/{patient.Id}"),
            Performer = [new ResourceReference { Identifier = new Identifier("urn:oid:2.16.578.1.12.4.1.4.4", marker) }],
        };
        var stored = await (await Client.PostAsync("Observation", FhirClientExtensions.Json(observation))).ExpectAsync<Observation>(HttpStatusCode.Created);

        Assert.Equal([stored.Id], (await SearchAsync<Observation>($"Observation?code:text=hemoglobin {marker}")).Select(o => o.Id));
        Assert.Equal([stored.Id], (await SearchAsync<Observation>($"Observation?subject:Patient={patient.Id}")).Select(o => o.Id));
        Assert.Empty(await SearchAsync<Observation>($"Observation?subject:Group={patient.Id}"));
        Assert.Equal([stored.Id], (await SearchAsync<Observation>($"Observation?performer:identifier=urn:oid:2.16.578.1.12.4.1.4.4|{marker}")).Select(o => o.Id));

        var url = $"http://example.org/fhir/{marker}/ValueSet/blood";
        var valueSet = await (await Client.PostAsync("ValueSet", FhirClientExtensions.Json(new ValueSet { Url = url, Status = PublicationStatus.Active }))).ExpectAsync<ValueSet>(HttpStatusCode.Created);
        Assert.Equal([valueSet.Id], (await SearchAsync<ValueSet>($"ValueSet?url:below=http://example.org/fhir/{marker}/")).Select(v => v.Id));
        Assert.Equal([valueSet.Id], (await SearchAsync<ValueSet>($"ValueSet?url:above={url}/version/2")).Select(v => v.Id));
        Assert.Empty(await SearchAsync<ValueSet>($"ValueSet?url:below=http://example.org/fhir/{marker}x/"));
    }

    [Fact]
    public async Task Includes_past_the_limit_are_reported_as_cut_never_dropped_silently()
    {
        var marker = Unique()[..8];
        var patient = await CreateAsync(NewPatient($"Grense{marker}"));
        await ObservationAsync(patient.Id, "2020-01-01", marker);
        await ObservationAsync(patient.Id, "2021-01-01", marker);
        var engine = Host.Services.GetRequiredService<Samjournal.Fhir.Interactions.FhirEngine>();
        var revinclude = new Samjournal.Fhir.Search.IncludeSpec(true, "Observation", "subject", null);
        var clauses = Samjournal.Fhir.Search.CriteriaParser.ParseSearch("Patient", [KeyValuePair.Create("family", $"Grense{marker}")], strict: true, []);

        var result = await engine.SearchAsync(null, new Samjournal.Fhir.Search.SearchRequest("Patient", clauses, 10, true, Samjournal.Fhir.Search.TotalMode.None, [revinclude], IncludeLimit: 1), CancellationToken.None);

        Assert.Equal([patient.Id], result.Page.Matches.Select(m => m.Id));
        Assert.Single(result.Included);
        Assert.Equal([revinclude], result.Truncated);
    }

    [Fact]
    public async Task Paging_returns_every_match_once()
    {
        var marker = Unique()[..8];
        var made = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            made.Add((await CreateAsync(NewPatient($"Side{marker}"))).Id);
        }

        var first = await (await Client.GetAsync($"Patient?family=Side{marker}&_count=3")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(3, first.Entry.Count);
        Assert.Null(first.Total);
        var counted = await (await Client.GetAsync($"Patient?family=Side{marker}&_count=3&_total=accurate")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(7, counted.Total);
        var countOnly = await (await Client.GetAsync($"Patient?family=Side{marker}&_summary=count")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(7, countOnly.Total);
        Assert.Empty(countOnly.Entry);
        var all = await SearchAsync<Patient>($"Patient?family=Side{marker}&_count=3");
        Assert.Equal(made.Order(), all.Select(p => p.Id).Order());
    }

    [Fact]
    public async Task Deleted_resources_and_replaced_values_are_not_found()
    {
        var marker = Unique()[..8];
        var deleted = await CreateAsync(NewPatient($"Borte{marker}"));
        var renamed = await CreateAsync(NewPatient($"Borte{marker}"));
        await Client.DeleteAsync($"Patient/{deleted.Id}");
        renamed.Name[0].Family = $"Ny{marker}";
        await (await Client.PutAsync($"Patient/{renamed.Id}", FhirClientExtensions.Json(renamed))).ExpectAsync<Patient>(HttpStatusCode.OK);

        Assert.Empty(await SearchAsync<Patient>($"Patient?family=Borte{marker}"));
        Assert.Equal([renamed.Id], (await SearchAsync<Patient>($"Patient?family=Ny{marker}")).Select(p => p.Id));
    }

    [Fact]
    public async Task An_unsupported_parameter_is_reported_when_lenient_and_refused_when_strict()
    {
        var marker = Unique()[..8];
        var patient = await CreateAsync(NewPatient($"Streng{marker}"));

        var lenient = await (await Client.GetAsync($"Patient?family=Streng{marker}&_sort=near")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Contains(lenient.Entry, e => e.Resource.Id == patient.Id);
        var outcome = (OperationOutcome)lenient.Entry.Single(e => e.Search.Mode == Bundle.SearchEntryMode.Outcome).Resource;
        Assert.Contains(outcome.Issue, i => i.Diagnostics.Contains("_sort", StringComparison.Ordinal));

        var request = new HttpRequestMessage(HttpMethod.Get, $"Patient?family=Streng{marker}&_sort=near");
        request.Headers.Add("Prefer", "handling=strict");
        await (await Client.SendAsync(request)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await (await Client.GetAsync("Patient?birthdate=not-a-date")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Search_by_POST_with_a_form_body_finds_the_same_as_GET()
    {
        var target = await CreateAsync(NewPatient());
        var form = new FormUrlEncodedContent([KeyValuePair.Create("identifier", $"{target.Identifier[0].System}|{target.Identifier[0].Value}")]);

        var bundle = await (await Client.PostAsync("Patient/_search", form)).ExpectAsync<Bundle>(HttpStatusCode.OK);

        Assert.Equal([target.Id], bundle.Entry.Select(e => e.Resource.Id));
    }
}

public sealed class SearchOnSqlite(SqliteHost host) : SearchBehaviour(host), IClassFixture<SqliteHost>;

public sealed class SearchOnPostgres(PostgresHost host) : SearchBehaviour(host), IClassFixture<PostgresHost>;
