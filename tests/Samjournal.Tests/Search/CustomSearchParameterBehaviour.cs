using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;
using static Samjournal.Tests.Search.CustomParameters;

namespace Samjournal.Tests.Search;

/// <summary>
/// Custom SearchParameter resources: refused when they cannot work, searchable after an online
/// reindex, never used as if complete before it is done, retired on delete. Expected results are
/// the test's own data.
/// </summary>
public abstract class CustomSearchParameterBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private async Task<List<string>> PatientIdsAsync(string query, bool strict = false)
    {
        var ids = new List<string>();
        string? url = query;
        while (url is not null)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (strict)
            {
                request.Headers.Add("Prefer", "handling=strict");
            }

            var bundle = await (await Client.SendAsync(request)).ExpectAsync<Bundle>(HttpStatusCode.OK);
            ids.AddRange(bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id));
            url = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
        }

        return ids;
    }

    private async Task<SearchParameter> DefineAsync(string code) =>
        await (await Client.PostAsync("SearchParameter", FhirClientExtensions.Json(Kommune(code)))).ExpectAsync<SearchParameter>(HttpStatusCode.Created);

    private static string NewCode() => "kommune" + Unique()[..10];

    [Fact]
    public async Task A_custom_parameter_is_searchable_after_its_reindex_including_resources_written_during_it()
    {
        var code = NewCode();
        var marker = Unique()[..8];
        var patientsBefore = (await (await Client.GetAsync("Patient?_summary=count")).ExpectAsync<Bundle>(HttpStatusCode.OK)).Total!.Value;
        var kommune = new Dictionary<string, string>();
        var before = new List<Patient>();
        for (var i = 0; i < 15; i++)
        {
            var patient = await CreateAsync(WithKommune(NewPatient(), $"{marker}-{i % 3}"));
            before.Add(patient);
            kommune[patient.Id] = $"{marker}-{i % 3}";
        }

        var definition = await DefineAsync(code);

        // Until the job is done the parameter is not used as if it were complete.
        var lenient = await (await Client.GetAsync($"Patient?{code}={marker}-0")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var outcome = (OperationOutcome)lenient.Entry.Single(e => e.Search.Mode == Bundle.SearchEntryMode.Outcome).Resource;
        Assert.Contains(outcome.Issue, i => i.Diagnostics.Contains("being indexed", StringComparison.Ordinal) && i.Diagnostics.Contains("% done", StringComparison.Ordinal));
        var strict = new HttpRequestMessage(HttpMethod.Get, $"Patient?{code}={marker}-0");
        strict.Headers.Add("Prefer", "handling=strict");
        await (await Client.SendAsync(strict)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        Assert.DoesNotContain(await CapabilityCodesAsync("Patient"), c => c == code);

        // Once the job has passed the first of these patients (keys are walked in order), change
        // it: only the write itself can index the new value now, and the job must not undo it.
        while (Number(await StatusAsync(Client, definition.Id), "processed") <= patientsBefore)
        {
            await Task.Delay(20);
        }

        var moved = WithKommune(before[0], $"{marker}-moved");
        await (await Client.PutAsync($"Patient/{moved.Id}", FhirClientExtensions.Json(moved))).ExpectAsync<Patient>(HttpStatusCode.OK);
        kommune[moved.Id] = $"{marker}-moved";
        var during = await CreateAsync(WithKommune(NewPatient(), $"{marker}-1"));
        kommune[during.Id] = $"{marker}-1";

        var status = await WaitUntilDoneAsync(Client, definition.Id);
        Assert.Equal(100, status.GetSingleValue<Integer>("percent")!.Value);
        Assert.Equal(Number(status, "total"), Number(status, "processed"));

        foreach (var value in kommune.Values.Distinct())
        {
            var expected = kommune.Where(k => k.Value == value).Select(k => k.Key).Order();
            Assert.Equal(expected, (await PatientIdsAsync($"Patient?{code}={value}", strict: true)).Order());
        }

        Assert.Equal(kommune.Where(k => k.Value == $"{marker}-0").Select(k => k.Key).Order(), (await PatientIdsAsync($"Patient?{code}={KommuneSystem}|{marker}-0")).Order());
        Assert.Contains(await CapabilityCodesAsync("Patient"), c => c == code);

        // The host's custom parameter never reaches the process-wide built-in catalog.
        Assert.Null(Samjournal.Fhir.Indexing.SearchParameterCatalog.Instance.Find("Patient", code));
    }

    [Fact]
    public async Task A_ready_custom_parameter_works_in_chains_modifiers_and_conditional_create()
    {
        var code = NewCode();
        var marker = Unique()[..8];
        var patient = await CreateAsync(WithKommune(NewPatient(), $"{marker}-a"));
        var other = await CreateAsync(NewPatient());
        var definition = await DefineAsync(code);
        await WaitUntilDoneAsync(Client, definition.Id);

        var observation = new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept("urn:test", marker), Subject = new ResourceReference($"Patient/{patient.Id}") };
        var created = await (await Client.PostAsync("Observation", FhirClientExtensions.Json(observation))).ExpectAsync<Observation>(HttpStatusCode.Created);
        var chained = await (await Client.GetAsync($"Observation?subject:Patient.{code}={marker}-a")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal([created.Id], chained.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id));

        var withoutKommune = await PatientIdsAsync($"Patient?{code}:missing=true&_id={patient.Id},{other.Id}", strict: true);
        Assert.Equal([other.Id], withoutKommune);

        // Conditional create finds the existing patient through the custom parameter.
        var request = new HttpRequestMessage(HttpMethod.Post, "Patient") { Content = FhirClientExtensions.Json(NewPatient()) };
        request.Headers.Add("If-None-Exist", $"{code}={marker}-a");
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(patient.Id, (await response.ReadResourceAsync<Patient>()).Id);
    }

    [Theory]
    [InlineData("composite", "Patient", "Patient.name", "type")]
    [InlineData("token", "Patient", "Patient.name.where(", "compile")]
    [InlineData("token", "Patient", "Observation.code", "no branch")]
    [InlineData("string", "Patient", "Patient.name.family", "built-in")]
    [InlineData("token", "Resource", "Resource.id", "resource type")]
    [InlineData("token", "Pasient", "Pasient.id", "Pasient")]
    public async Task An_invalid_definition_is_refused_with_400_and_nothing_is_stored(string type, string baseType, string expression, string problem)
    {
        var code = problem == "built-in" ? "family" : NewCode();
        var json = $$"""
            {"resourceType":"SearchParameter","url":"http://example.org/sj/SearchParameter/{{code}}","name":"x","status":"active",
             "description":"x","code":"{{code}}","base":["{{baseType}}"],"type":"{{type}}","expression":"{{expression}}"}
            """;

        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("SearchParameter", FhirClientExtensions.Json(json)), HttpStatusCode.BadRequest, problem);
    }

    [Fact]
    public async Task An_invalid_definition_in_a_transaction_fails_the_whole_transaction()
    {
        var bad = Kommune(NewCode());
        bad.Expression = "Patient.extension.where(";
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new() { Resource = NewPatient(), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" } },
                new() { Resource = bad, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "SearchParameter" } },
            ],
        };

        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(bundle)), HttpStatusCode.BadRequest, "compile");
    }

    [Fact]
    public async Task A_custom_parameter_defined_in_a_transaction_indexes_the_resources_written_with_it()
    {
        var code = NewCode();
        var marker = Unique()[..8];
        var patient = WithKommune(NewPatient(), marker);
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new() { Resource = Kommune(code), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "SearchParameter" } },
                new() { Resource = patient, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" } },
            ],
        };

        var response = await (await Client.PostAsync("", FhirClientExtensions.Json(bundle))).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var definitionId = response.Entry[0].Response.Location.Split('/')[1];
        var patientId = response.Entry[1].Response.Location.Split('/')[1];
        await WaitUntilDoneAsync(Client, definitionId);

        Assert.Equal([patientId], await PatientIdsAsync($"Patient?{code}={marker}", strict: true));
    }

    [Fact]
    public async Task Deleting_a_custom_parameter_retires_it_from_search_and_the_CapabilityStatement()
    {
        var code = NewCode();
        var marker = Unique()[..8];
        var patient = await CreateAsync(WithKommune(NewPatient(), marker));
        var definition = await DefineAsync(code);
        await WaitUntilDoneAsync(Client, definition.Id);
        Assert.Equal([patient.Id], await PatientIdsAsync($"Patient?{code}={marker}", strict: true));

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"SearchParameter/{definition.Id}")).StatusCode);

        var strict = new HttpRequestMessage(HttpMethod.Get, $"Patient?{code}={marker}");
        strict.Headers.Add("Prefer", "handling=strict");
        var outcome = await (await Client.SendAsync(strict)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        Assert.Contains(outcome.Issue, i => i.Diagnostics.Contains("not a search parameter", StringComparison.Ordinal));
        Assert.DoesNotContain(await CapabilityCodesAsync("Patient"), c => c == code);

        // Changed while retired (so not indexed for it), then the same definition comes back:
        // it must be reindexed, not trusted from before.
        var moved = WithKommune(patient, marker + "-new");
        await (await Client.PutAsync($"Patient/{moved.Id}", FhirClientExtensions.Json(moved))).ExpectAsync<Patient>(HttpStatusCode.OK);
        definition.Meta = null;
        await (await Client.PutAsync($"SearchParameter/{definition.Id}", FhirClientExtensions.Json(definition))).ExpectAsync<SearchParameter>(HttpStatusCode.Created);
        await WaitUntilDoneAsync(Client, definition.Id);
        Assert.Equal([patient.Id], await PatientIdsAsync($"Patient?{code}={marker}-new", strict: true));
        Assert.Empty(await PatientIdsAsync($"Patient?{code}={marker}", strict: true));
    }

    [Fact]
    public async Task A_changed_expression_starts_a_new_job_and_searches_use_the_new_definition()
    {
        var code = NewCode();
        var marker = Unique()[..8];
        var patient = await CreateAsync(WithKommune(NewPatient(), marker));
        var definition = await DefineAsync(code);
        await WaitUntilDoneAsync(Client, definition.Id);

        // The same definition again (a new description) needs no new job: still done.
        definition.Description = "Kommune, described again";
        await (await Client.PutAsync($"SearchParameter/{definition.Id}", FhirClientExtensions.Json(definition))).ExpectAsync<SearchParameter>(HttpStatusCode.OK);
        Assert.Equal("done", State(await StatusAsync(Client, definition.Id)));

        // Now index the patient's identifier value instead.
        definition.Expression = "Patient.identifier";
        await (await Client.PutAsync($"SearchParameter/{definition.Id}", FhirClientExtensions.Json(definition))).ExpectAsync<SearchParameter>(HttpStatusCode.OK);
        await WaitUntilDoneAsync(Client, definition.Id);

        Assert.Empty(await PatientIdsAsync($"Patient?{code}={marker}", strict: true));
        Assert.Equal([patient.Id], await PatientIdsAsync($"Patient?{code}={patient.Identifier[0].Value}", strict: true));
    }

    [Fact]
    public async Task The_status_of_a_parameter_without_a_job_is_404()
    {
        await (await Client.GetAsync($"SearchParameter/{Unique()}/$reindex-status")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    private async Task<List<string>> CapabilityCodesAsync(string type)
    {
        var statement = await (await Client.GetAsync("metadata")).ExpectAsync<CapabilityStatement>(HttpStatusCode.OK);
        return statement.Rest[0].Resource.Single(r => r.Type == type).SearchParam.Select(p => p.Name!).ToList();
    }
}

public sealed class CustomSearchParametersOnSqlite(SmallBatchSqliteHost host) : CustomSearchParameterBehaviour(host), IClassFixture<SmallBatchSqliteHost>;

public sealed class CustomSearchParametersOnPostgres(SmallBatchPostgresHost host) : CustomSearchParameterBehaviour(host), IClassFixture<SmallBatchPostgresHost>;
