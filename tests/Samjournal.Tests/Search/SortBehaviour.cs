using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Search;

/// <summary>
/// _sort over HTTP on every sortable parameter type. The expected order is computed by the test
/// from its own data with the spec's rules: a resource sorts by its lowest value ascending and its
/// highest descending, resources without a value come last either way, and ties keep creation
/// order (the internal key).
/// </summary>
public abstract class SortBehaviour(SamjournalHost host) : RestTestBase(host)
{
    /// <summary>One resource as the test made it: its id, and its values per sort parameter.</summary>
    private sealed record Made(string Id, int Created, Dictionary<string, object[]> Values);

    /// <summary>Every match, following next links: the order the server pages in.</summary>
    private async Task<List<string>> PagedIdsAsync(string query)
    {
        var ids = new List<string>();
        string? url = query;
        while (url is not null)
        {
            var bundle = await (await Client.GetAsync(url)).ExpectAsync<Bundle>(HttpStatusCode.OK);
            Assert.DoesNotContain(bundle.Entry, e => e.Search.Mode == Bundle.SearchEntryMode.Outcome);
            ids.AddRange(bundle.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id));
            url = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
        }

        return ids;
    }

    private static List<string> Expected(IEnumerable<Made> made, params (string Param, bool Descending)[] keys)
    {
        int Compare(Made a, Made b)
        {
            foreach (var (param, descending) in keys)
            {
                var x = SortValue(a, param, descending);
                var y = SortValue(b, param, descending);
                var order = (x, y) switch
                {
                    (null, null) => 0,
                    (null, _) => 1,
                    (_, null) => -1,
                    (string s, string t) => (descending ? -1 : 1) * string.CompareOrdinal(s, t),
                    _ => (descending ? -1 : 1) * ((IComparable)x).CompareTo(y),
                };
                if (order != 0)
                {
                    return order;
                }
            }

            return a.Created.CompareTo(b.Created);
        }

        var list = made.ToList();
        list.Sort(Compare);
        return list.Select(m => m.Id).ToList();
    }

    private static object? SortValue(Made made, string param, bool descending)
    {
        var values = made.Values.GetValueOrDefault(param, []);
        if (values.Length == 0)
        {
            return null;
        }

        var ordered = values.Order(Comparer<object>.Create((x, y) => x is string s ? string.CompareOrdinal(s, (string)y) : ((IComparable)x).CompareTo(y))).ToList();
        return descending ? ordered[^1] : ordered[0];
    }

    private async Task<List<Made>> PatientsAsync(string marker)
    {
        // family names (several for one), gender, birth date; some missing on purpose; 0 and 8 tie on all.
        var rows = new (string[] Families, AdministrativeGender? Gender, string? Birth)[]
        {
            (["b"], AdministrativeGender.Female, "1980-01-01"),
            (["a"], AdministrativeGender.Male, "1990-05-05"),
            (["a"], AdministrativeGender.Female, "1970-03-03"),
            ([], null, "1985-01-01"),
            (["c"], AdministrativeGender.Male, null),
            (["a"], AdministrativeGender.Female, null),
            (["z", "aa"], AdministrativeGender.Other, "1975-07-07"),
            ([], null, null),
            (["b"], AdministrativeGender.Female, "1980-01-01"),
        };
        var made = new List<Made>();
        foreach (var (families, gender, birth) in rows)
        {
            var patient = new Patient
            {
                Identifier = [new Identifier("urn:test:" + marker, made.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                Name = families.Select(f => new HumanName { Family = f }).ToList(),
                Gender = gender,
                BirthDate = birth,
            };
            var stored = await CreateAsync(patient);
            made.Add(new Made(stored.Id, made.Count, new Dictionary<string, object[]>
            {
                ["family"] = families,
                ["gender"] = gender is null ? [] : [gender.Value.ToString().ToLowerInvariant()],
                ["birthdate"] = birth is null ? [] : [birth],
                ["_id"] = [stored.Id],
                ["_lastUpdated"] = [stored.Meta.LastUpdated!.Value.UtcTicks],
            }));
        }

        return made;
    }

    [Fact]
    public async Task Patients_sort_on_several_keys_in_both_directions_with_missing_values_last_and_ties_in_key_order()
    {
        var marker = Unique()[..8];
        var made = await PatientsAsync(marker);
        var filter = $"Patient?identifier=urn:test:{marker}|&_count=3";

        Assert.Equal(Expected(made, ("family", false), ("birthdate", true)), await PagedIdsAsync($"{filter}&_sort=family,-birthdate"));
        Assert.Equal(Expected(made, ("family", true), ("birthdate", false)), await PagedIdsAsync($"{filter}&_sort=-family,birthdate"));
        Assert.Equal(Expected(made, ("gender", false), ("family", true)), await PagedIdsAsync($"{filter}&_sort=gender,-family"));
        Assert.Equal(Expected(made, ("birthdate", false)), await PagedIdsAsync($"{filter}&_sort=birthdate"));
        Assert.Equal(Expected(made, ("_lastUpdated", true)), await PagedIdsAsync($"{filter}&_sort=-_lastUpdated"));
        Assert.Equal(Expected(made, ("_id", false)), await PagedIdsAsync($"{filter}&_sort=_id"));
        Assert.Equal(Expected(made, ("_id", true)), await PagedIdsAsync($"Patient?identifier=urn:test:{marker}|&_sort=-_id"));
    }

    [Fact]
    public async Task Observations_sort_by_reference_token_date_and_quantity_including_component_values()
    {
        var marker = Unique()[..8];
        var first = await CreateAsync(NewPatient());
        var second = await CreateAsync(NewPatient());
        var rows = new (Patient Subject, string Code, string? Date, decimal? Value, decimal[] Components)[]
        {
            (first, "c2", "2020-01-02", 5.5m, []),
            (second, "c1", "2020-01-01", 4.0m, [7.0m, 1.0m]),
            (first, "c1", null, null, []),
            (second, "c3", "2019-12-31", 4.0m, []),
            (first, "c2", "2021-06-30", 12.25m, [3.0m]),
        };
        var made = new List<Made>();
        foreach (var (subject, code, date, value, components) in rows)
        {
            var observation = new Observation
            {
                Status = ObservationStatus.Final,
                Code = new CodeableConcept("urn:test:" + marker, code),
                Subject = new ResourceReference("Patient/" + subject.Id),
                Effective = date is null ? null : new FhirDateTime(date),
                Value = value is null ? null : new Quantity(value.Value, "mmol/L"),
                Component = components.Select(c => new Observation.ComponentComponent { Code = new CodeableConcept("urn:test:" + marker, "part"), Value = new Quantity(c, "mmol/L") }).ToList(),
            };
            var stored = await (await Client.PostAsync("Observation", FhirClientExtensions.Json(observation))).ExpectAsync<Observation>(HttpStatusCode.Created);
            made.Add(new Made(stored.Id, made.Count, new Dictionary<string, object[]>
            {
                ["subject"] = [subject.Id],
                ["code"] = [code],
                ["date"] = date is null ? [] : [date],
                ["value-quantity"] = value is null ? [] : [value.Value],
                ["combo-value-quantity"] = [.. (value is null ? Array.Empty<decimal>() : [value.Value]).Concat(components).Cast<object>()],
            }));
        }

        var filter = $"Observation?code=urn:test:{marker}|&_count=2";
        Assert.Equal(Expected(made, ("subject", false), ("date", true)), await PagedIdsAsync($"{filter}&_sort=subject,-date"));
        Assert.Equal(Expected(made, ("code", false), ("value-quantity", false)), await PagedIdsAsync($"{filter}&_sort=code,value-quantity"));
        Assert.Equal(Expected(made, ("value-quantity", true)), await PagedIdsAsync($"{filter}&_sort=-value-quantity"));
        Assert.Equal(Expected(made, ("combo-value-quantity", false)), await PagedIdsAsync($"{filter}&_sort=combo-value-quantity"));
        Assert.Equal(Expected(made, ("combo-value-quantity", true)), await PagedIdsAsync($"{filter}&_sort=-combo-value-quantity"));
        Assert.Equal(Expected(made, ("date", false), ("code", true)), await PagedIdsAsync($"{filter}&_sort=date,-code"));
    }

    [Fact]
    public async Task Numbers_and_uris_sort_by_their_lowest_or_highest_value()
    {
        var marker = Unique()[..8];
        var patient = await CreateAsync(NewPatient());
        var probabilities = new[] { new[] { 0.5m }, [], [0.9m, 0.1m], [0.25m], [0.5m] };
        var risks = new List<Made>();
        foreach (var values in probabilities)
        {
            var risk = new RiskAssessment
            {
                Status = ObservationStatus.Final,
                Subject = new ResourceReference("Patient/" + patient.Id),
                Prediction = values.Select(v => new RiskAssessment.PredictionComponent { Probability = new FhirDecimal(v) }).ToList(),
            };
            var stored = await (await Client.PostAsync("RiskAssessment", FhirClientExtensions.Json(risk))).ExpectAsync<RiskAssessment>(HttpStatusCode.Created);
            risks.Add(new Made(stored.Id, risks.Count, new Dictionary<string, object[]> { ["probability"] = values.Cast<object>().ToArray() }));
        }

        var scope = $"RiskAssessment?subject=Patient/{patient.Id}&_count=2";
        Assert.Equal(Expected(risks, ("probability", false)), await PagedIdsAsync($"{scope}&_sort=probability"));
        Assert.Equal(Expected(risks, ("probability", true)), await PagedIdsAsync($"{scope}&_sort=-probability"));

        var valueSets = new List<Made>();
        foreach (var name in new[] { "b", "a/c", "c", "a" })
        {
            var url = $"http://example.org/{marker}/{name}";
            var stored = await (await Client.PostAsync("ValueSet", FhirClientExtensions.Json(new ValueSet { Url = url, Status = PublicationStatus.Active }))).ExpectAsync<ValueSet>(HttpStatusCode.Created);
            valueSets.Add(new Made(stored.Id, valueSets.Count, new Dictionary<string, object[]> { ["url"] = [url] }));
        }

        Assert.Equal(Expected(valueSets, ("url", false)), await PagedIdsAsync($"ValueSet?url:below=http://example.org/{marker}/&_count=3&_sort=url"));
        Assert.Equal(Expected(valueSets, ("url", true)), await PagedIdsAsync($"ValueSet?url:below=http://example.org/{marker}/&_count=3&_sort=-url"));
    }

    [Fact]
    public async Task An_unknown_or_unsortable_sort_parameter_is_refused_when_strict_and_reported_when_lenient()
    {
        var marker = Unique()[..8];
        var made = await PatientsAsync(marker);

        foreach (var sort in new[] { "shoe-size", "-family,shoe-size", "family,family" })
        {
            var strict = new HttpRequestMessage(HttpMethod.Get, $"Patient?identifier=urn:test:{marker}|&_sort={sort}");
            strict.Headers.Add("Prefer", "handling=strict");
            await (await Client.SendAsync(strict)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        }

        var composite = new HttpRequestMessage(HttpMethod.Get, "Observation?_sort=code-value-quantity");
        composite.Headers.Add("Prefer", "handling=strict");
        await (await Client.SendAsync(composite)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);

        // Lenient: the unknown key is left out and named; the known one still orders the result.
        var lenient = await (await Client.GetAsync($"Patient?identifier=urn:test:{marker}|&_sort=shoe-size,-family")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var outcome = (OperationOutcome)lenient.Entry.Single(e => e.Search.Mode == Bundle.SearchEntryMode.Outcome).Resource;
        Assert.Contains(outcome.Issue, i => i.Diagnostics.Contains("shoe-size", StringComparison.Ordinal));
        Assert.Equal(Expected(made, ("family", true)), lenient.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id));
    }
}

public sealed class SortOnSqlite(SqliteHost host) : SortBehaviour(host), IClassFixture<SqliteHost>;

public sealed class SortOnPostgres(PostgresHost host) : SortBehaviour(host), IClassFixture<PostgresHost>;
