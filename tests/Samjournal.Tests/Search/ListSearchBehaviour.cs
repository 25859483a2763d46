using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Search;

/// <summary><c>_list</c> (search.html#list): the resources a stored List names in its entries.</summary>
public abstract class ListSearchBehaviour(SamjournalHost host) : SearchTestBase(host)
{
    private async Task<List> ListOfAsync(Patient patient, params Resource[] items) => await PostAsync(new List
    {
        Status = List.ListStatus.Current,
        Mode = ListMode.Working,
        Subject = new ResourceReference($"Patient/{patient.Id}"),
        Entry = items.Select(i => new List.EntryComponent { Item = new ResourceReference($"{i.TypeName}/{i.Id}") }).ToList(),
    });

    private async Task<Observation> ObserveAsync(Patient patient) => await PostAsync(new Observation
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("urn:test:list", "hb"),
        Subject = new ResourceReference($"Patient/{patient.Id}"),
    });

    [Fact]
    public async Task List_returns_exactly_the_current_resources_of_the_type_that_the_list_names()
    {
        var patient = await CreateAsync(NewPatient());
        var observations = new List<Observation>();
        for (var i = 0; i < 5; i++)
        {
            observations.Add(await ObserveAsync(patient));
        }

        var first = await ListOfAsync(patient, observations[0], observations[1], observations[4], patient);
        var second = await ListOfAsync(patient, observations[2]);
        var deleted = await ListOfAsync(patient, observations[3]);
        await DeleteAsync(deleted);
        await DeleteAsync(observations[4]);

        Assert.Equal(Ids(observations[0], observations[1]), await MatchIdsAsync($"Observation?_list={first.Id}"));
        Assert.Equal(Ids(patient), await MatchIdsAsync($"Patient?_list={first.Id}"));
        Assert.Equal(Ids(observations[0], observations[1], observations[2]), await MatchIdsAsync($"Observation?_list={first.Id},{second.Id}"));
        Assert.Equal(Ids(observations[1]), await MatchIdsAsync($"Observation?_list={first.Id}&_id={observations[1].Id},{observations[2].Id}"));
        Assert.Empty(await MatchIdsAsync($"Observation?_list={deleted.Id}"));
        Assert.Empty(await MatchIdsAsync($"Observation?_list=no-such-list-{Unique()}"));
    }

    [Fact]
    public async Task Functional_lists_are_refused_when_strict_and_reported_when_lenient()
    {
        var patient = await CreateAsync(NewPatient());
        var observation = await ObserveAsync(patient);

        await RefusedWhenStrictAsync($"Observation?subject=Patient/{patient.Id}&_list=$current-problems", "Functional lists");
        Assert.Equal(Ids(observation), await IgnoredWhenLenientAsync($"Observation?subject=Patient/{patient.Id}&_list=$current-problems", "Functional lists"));
        await RefusedWhenStrictAsync($"Observation?_list:missing=true", "'_list'");
    }

    [Fact]
    public async Task The_capability_statement_lists_list_for_every_type()
    {
        var statement = await (await Client.GetAsync("metadata")).ExpectAsync<CapabilityStatement>(HttpStatusCode.OK);

        Assert.All(statement.Rest[0].Resource, r => Assert.Contains(r.SearchParam, p => p.Name == "_list"));
    }
}

public sealed class ListSearchOnSqlite(SqliteHost host) : ListSearchBehaviour(host), IClassFixture<SqliteHost>;

public sealed class ListSearchOnPostgres(PostgresHost host) : ListSearchBehaviour(host), IClassFixture<PostgresHost>;
