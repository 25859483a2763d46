using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Search;

/// <summary>Reverse chaining with <c>_has</c> (search.html#has), over a small graph each test builds.</summary>
public abstract class ReverseChainSearchBehaviour(SamjournalHost host) : SearchTestBase(host)
{
    private sealed record Graph(
        string Marker,
        string CodeX,
        string CodeY,
        Patient WithX,
        Patient WithY,
        Patient WithXAndY,
        Patient WithDeletedX,
        Patient WithoutAny,
        Patient WithXOnGroupOfSameId,
        Practitioner Performer,
        Practitioner Auditor,
        Observation XOfWithX);

    private async Task<Graph> BuildAsync()
    {
        var marker = Unique()[..8];
        var system = "urn:test:" + marker;
        var performer = await PostAsync(new Practitioner { Name = [new HumanName { Family = $"Utfører{marker}" }] });
        var auditor = await PostAsync(new Practitioner { Name = [new HumanName { Family = $"Revisor{marker}" }] });
        var patients = new List<Patient>();
        for (var i = 0; i < 7; i++)
        {
            patients.Add(await CreateAsync(NewPatient($"Has{marker}")));
        }

        async Task<Observation> Observe(string subject, string code, Practitioner? by = null) => await PostAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(system, code),
            Subject = new ResourceReference(subject),
            Performer = by is null ? [] : [new ResourceReference($"Practitioner/{by.Id}")],
        });

        var xOfWithX = await Observe($"Patient/{patients[0].Id}", "x", performer);
        await Observe($"Patient/{patients[1].Id}", "y");
        await Observe($"Patient/{patients[2].Id}", "x");
        await Observe($"Patient/{patients[2].Id}", "y");
        await DeleteAsync(await Observe($"Patient/{patients[3].Id}", "x", performer));

        // patients[4] has nothing; a Group with the id of patients[5] has an x, so patients[5] must not match.
        var group = await PutAsync(new Group { Id = patients[5].Id, Type = Group.GroupType.Person, Actual = true });
        await Observe($"Group/{group.Id}", "x");

        // A deleted patient with an x is not found either.
        await Observe($"Patient/{patients[6].Id}", "x");
        await DeleteAsync(patients[6]);

        await PostAsync(new AuditEvent
        {
            Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest"),
            Recorded = DateTimeOffset.UtcNow,
            Agent = [new AuditEvent.AgentComponent { Who = new ResourceReference($"Practitioner/{auditor.Id}"), Requestor = true }],
            Source = new AuditEvent.SourceComponent { Observer = new ResourceReference($"Practitioner/{auditor.Id}") },
            Entity = [new AuditEvent.EntityComponent { What = new ResourceReference($"Observation/{xOfWithX.Id}") }],
        });

        return new Graph(marker, $"{system}|x", $"{system}|y", patients[0], patients[1], patients[2], patients[3], patients[4], patients[5], performer, auditor, xOfWithX);
    }

    [Fact]
    public async Task Has_finds_the_patients_that_current_observations_with_the_code_point_to()
    {
        var g = await BuildAsync();

        Assert.Equal(Ids(g.WithX, g.WithXAndY), await MatchIdsAsync($"Patient?_has:Observation:patient:code={g.CodeX}"));
        Assert.Equal(Ids(g.WithX, g.WithXAndY), await MatchIdsAsync($"Patient?_has:Observation:subject:code={g.CodeX}"));
        Assert.Equal(Ids(g.WithY, g.WithXAndY), await MatchIdsAsync($"Patient?_has:Observation:patient:code={g.CodeY}"));
    }

    [Fact]
    public async Task Comma_values_are_ored_and_several_has_parameters_are_anded()
    {
        var g = await BuildAsync();

        Assert.Equal(Ids(g.WithX, g.WithY, g.WithXAndY), await MatchIdsAsync($"Patient?_has:Observation:patient:code={g.CodeX},{g.CodeY}"));
        Assert.Equal(Ids(g.WithXAndY), await MatchIdsAsync($"Patient?_has:Observation:patient:code={g.CodeX}&_has:Observation:patient:code={g.CodeY}"));
    }

    [Fact]
    public async Task The_last_part_may_carry_a_modifier_a_chain_or_another_has()
    {
        var g = await BuildAsync();
        var ours = $"Patient?family=Has{g.Marker}";

        // :not: a current observation whose code is not x.
        Assert.Equal(Ids(g.WithY, g.WithXAndY), await MatchIdsAsync($"{ours}&_has:Observation:patient:code:not={g.CodeX}"));
        Assert.Equal(Ids(g.WithX), await MatchIdsAsync($"Patient?_has:Observation:patient:performer:Practitioner.family=utfører{g.Marker}"));
        Assert.Equal(Ids(g.WithX), await MatchIdsAsync($"Patient?_has:Observation:patient:performer={g.Performer.Id}"));
        Assert.Equal(Ids(g.WithX), await MatchIdsAsync($"Patient?_has:Observation:patient:_has:AuditEvent:entity:agent=Practitioner/{g.Auditor.Id}"));
        Assert.Equal(Ids(g.XOfWithX), await MatchIdsAsync($"Observation?_has:AuditEvent:entity:agent:Practitioner.family=revisor{g.Marker}"));
    }

    [Fact]
    public async Task Malformed_has_names_are_refused_when_strict_and_reported_when_lenient()
    {
        var g = await BuildAsync();
        var ours = $"Patient?family=Has{g.Marker}";

        await RefusedWhenStrictAsync($"{ours}&_has:Observation:patient=x", "_has:Type:reference:parameter");
        await RefusedWhenStrictAsync($"{ours}&_has:Nothing:patient:code=x", "'Nothing' is not a resource type");
        await RefusedWhenStrictAsync($"{ours}&_has:Observation:code:code=x", "'code' is not a reference parameter of Observation");
        await RefusedWhenStrictAsync($"{ours}&_has:Encounter:practitioner:status=finished", "cannot refer to a Patient");
        await RefusedWhenStrictAsync($"{ours}&_has:Observation:patient:nonsense=x", "'nonsense' is not a search parameter of Observation");
        await RefusedAsync($"{ours}&_has:Observation:patient:date=not-a-date", "not a date");

        var all = Ids(g.WithX, g.WithY, g.WithXAndY, g.WithDeletedX, g.WithoutAny, g.WithXOnGroupOfSameId);
        Assert.Equal(all, await IgnoredWhenLenientAsync($"{ours}&_has:Observation:patient=x", "_has"));
    }
}

public sealed class ReverseChainSearchOnSqlite(SqliteHost host) : ReverseChainSearchBehaviour(host), IClassFixture<SqliteHost>;

public sealed class ReverseChainSearchOnPostgres(PostgresHost host) : ReverseChainSearchBehaviour(host), IClassFixture<PostgresHost>;
