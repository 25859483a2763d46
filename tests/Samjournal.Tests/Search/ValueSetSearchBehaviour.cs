using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Search;

/// <summary><c>:in</c> and <c>:not-in</c> on tokens against ValueSets stored on the server (search.html#token).</summary>
public abstract class ValueSetSearchBehaviour(SamjournalHost host) : SearchTestBase(host)
{
    /// <summary>Observations on one patient coded a|1, a|2, a|3, b|1, c|1 and one with text only.</summary>
    private sealed record Graph(string Marker, string A, string B, string C, Patient Patient, Observation A1, Observation A2, Observation A3, Observation B1, Observation C1, Observation Uncoded)
    {
        public string Scope => $"subject=Patient/{Patient.Id}";

        public string Url(string name) => $"http://example.org/fhir/{Marker}/ValueSet/{name}";

        public List<string> All => Ids(A1, A2, A3, B1, C1, Uncoded);

        public List<string> AllBut(params Observation[] left) => All.Except(Ids(left)).ToList();
    }

    private async Task<Graph> BuildAsync()
    {
        var marker = Unique()[..8];
        var (a, b, c) = ($"urn:test:{marker}:a", $"urn:test:{marker}:b", $"urn:test:{marker}:c");
        var patient = await CreateAsync(NewPatient());
        async Task<Observation> Observe(CodeableConcept code) => await PostAsync(new Observation { Status = ObservationStatus.Final, Code = code, Subject = new ResourceReference($"Patient/{patient.Id}") });

        return new Graph(
            marker, a, b, c, patient,
            await Observe(new CodeableConcept(a, "1")),
            await Observe(new CodeableConcept(a, "2")),
            await Observe(new CodeableConcept(a, "3")),
            await Observe(new CodeableConcept(b, "1")),
            await Observe(new CodeableConcept(c, "1")),
            await Observe(new CodeableConcept { Text = "uncoded" }));
    }

    private Task<ValueSet> StoreAsync(string url, ValueSet.ComposeComponent? compose = null, ValueSet.ExpansionComponent? expansion = null, string? version = null) =>
        PostAsync(new ValueSet { Url = url, Version = version, Status = PublicationStatus.Active, Compose = compose, Expansion = expansion });

    private static ValueSet.ConceptSetComponent Include(string system, params string[] codes) => new()
    {
        System = system,
        Concept = codes.Select(code => new ValueSet.ConceptReferenceComponent { Code = code }).ToList(),
    };

    private static ValueSet.ComposeComponent Compose(params ValueSet.ConceptSetComponent[] include) => new() { Include = include.ToList() };

    [Fact]
    public async Task In_and_not_in_use_the_concepts_a_stored_compose_lists()
    {
        var g = await BuildAsync();
        await StoreAsync(g.Url("listed"), Compose(Include(g.A, "1", "2")));

        Assert.Equal(Ids(g.A1, g.A2), await MatchIdsAsync($"Observation?{g.Scope}&code:in={g.Url("listed")}"));

        // :not-in: no code of the observation is in the set, which includes having no code at all.
        Assert.Equal(g.AllBut(g.A1, g.A2), await MatchIdsAsync($"Observation?{g.Scope}&code:not-in={g.Url("listed")}"));
    }

    [Fact]
    public async Task An_expansion_wins_over_the_compose_and_is_read_with_nested_entries()
    {
        var g = await BuildAsync();
        var expansion = new ValueSet.ExpansionComponent
        {
            Timestamp = "2024-01-01",
            Contains =
            [
                new() { System = g.A, Code = "3" },
                new()
                {
                    System = g.A,
                    Code = "2",
                    Abstract = true, // a heading, not a member
                    Contains = [new() { System = g.B, Code = "1" }],
                },
            ],
        };
        await StoreAsync(g.Url("expanded"), Compose(Include(g.C, "1")), expansion);

        Assert.Equal(Ids(g.A3, g.B1), await MatchIdsAsync($"Observation?{g.Scope}&code:in={g.Url("expanded")}"));
    }

    [Fact]
    public async Task A_whole_system_minus_excluded_codes_and_included_value_sets_are_exact()
    {
        var g = await BuildAsync();
        var wholeA = new ValueSet.ComposeComponent { Include = [new() { System = g.A }], Exclude = [Include(g.A, "2")] };
        await StoreAsync(g.Url("whole-a"), wholeA);
        await StoreAsync(g.Url("listed"), Compose(Include(g.A, "1", "2")));

        var union = new ValueSet.ComposeComponent { Include = [new() { ValueSet = [g.Url("listed")] }, Include(g.B, "1")] };
        await StoreAsync(g.Url("union"), union);

        // An include with both a system part and a valueSet holds the codes in both.
        var both = new ValueSet.ComposeComponent { Include = [new() { System = g.A, Concept = [new() { Code = "1" }, new() { Code = "2" }], ValueSet = [g.Url("whole-a")] }] };
        await StoreAsync(g.Url("intersection"), both);

        Assert.Equal(Ids(g.A1, g.A3), await MatchIdsAsync($"Observation?{g.Scope}&code:in={g.Url("whole-a")}"));
        Assert.Equal(Ids(g.A1, g.A2, g.B1), await MatchIdsAsync($"Observation?{g.Scope}&code:in={g.Url("union")}"));
        Assert.Equal(Ids(g.A1), await MatchIdsAsync($"Observation?{g.Scope}&code:in={g.Url("intersection")}"));
        Assert.Equal(Ids(g.A1, g.A2, g.A3), await MatchIdsAsync($"Observation?{g.Scope}&code:in={g.Url("whole-a")},{g.Url("listed")}"));
        Assert.Equal(g.AllBut(g.A1, g.A3), await MatchIdsAsync($"Observation?{g.Scope}&code:not-in={g.Url("whole-a")}"));
    }

    [Fact]
    public async Task A_version_picks_one_of_several_value_sets_with_the_same_url()
    {
        var g = await BuildAsync();
        await StoreAsync(g.Url("versioned"), Compose(Include(g.A, "1")), version: "1");
        await StoreAsync(g.Url("versioned"), Compose(Include(g.A, "2")), version: "2");

        Assert.Equal(Ids(g.A2), await MatchIdsAsync($"Observation?{g.Scope}&code:in={g.Url("versioned")}|2"));
        Assert.Equal(Ids(g.A1), await MatchIdsAsync($"Observation?{g.Scope}&code:in={g.Url("versioned")}|1"));
        await RefusedAsync($"Observation?{g.Scope}&code:in={g.Url("versioned")}", "url|version");
    }

    [Fact]
    public async Task Conditional_create_understands_in()
    {
        var g = await BuildAsync();
        await StoreAsync(g.Url("listed"), Compose(Include(g.A, "1")));
        var duplicate = new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept(g.A, "1"), Subject = new ResourceReference($"Patient/{g.Patient.Id}") };
        var request = new HttpRequestMessage(HttpMethod.Post, "Observation") { Content = FhirClientExtensions.Json(duplicate) };
        request.Headers.Add("If-None-Exist", $"{g.Scope}&code:in={Uri.EscapeDataString(g.Url("listed"))}");

        var existing = await (await Client.SendAsync(request)).ExpectAsync<Observation>(HttpStatusCode.OK);

        Assert.Equal(g.A1.Id, existing.Id);
    }

    [Fact]
    public async Task In_works_inside_chains_and_has()
    {
        var g = await BuildAsync();
        await StoreAsync(g.Url("listed"), Compose(Include(g.A, "1")));
        var report = await PostAsync(new DiagnosticReport
        {
            Status = DiagnosticReport.DiagnosticReportStatus.Final,
            Code = new CodeableConcept(g.C, "panel"),
            Result = [new ResourceReference($"Observation/{g.A1.Id}"), new ResourceReference($"Observation/{g.B1.Id}")],
        });
        await PostAsync(new DiagnosticReport
        {
            Status = DiagnosticReport.DiagnosticReportStatus.Final,
            Code = new CodeableConcept(g.C, "panel"),
            Result = [new ResourceReference($"Observation/{g.B1.Id}")],
        });

        Assert.Equal(Ids(g.Patient), await MatchIdsAsync($"Patient?_has:Observation:patient:code:in={g.Url("listed")}"));
        Assert.Equal(Ids(report), await MatchIdsAsync($"DiagnosticReport?code={g.C}|panel&result.code:in={g.Url("listed")}"));
    }

    [Fact]
    public async Task Value_sets_that_cannot_be_evaluated_are_refused_naming_why()
    {
        var g = await BuildAsync();
        var filtered = new ValueSet.ConceptSetComponent
        {
            System = g.A,
            Filter = [new ValueSet.FilterComponent { Property = "concept", Op = FilterOperator.IsA, Value = "1" }],
        };
        await StoreAsync(g.Url("filtered"), Compose(filtered));
        await StoreAsync(g.Url("ping"), new ValueSet.ComposeComponent { Include = [new() { ValueSet = [g.Url("pong")] }] });
        await StoreAsync(g.Url("pong"), new ValueSet.ComposeComponent { Include = [new() { ValueSet = [g.Url("ping")] }] });
        var partial = new ValueSet.ExpansionComponent { Timestamp = "2024-01-01", Total = 5, Contains = [new() { System = g.A, Code = "1" }] };
        await StoreAsync(g.Url("partial"), expansion: partial);

        await RefusedAsync($"Observation?{g.Scope}&code:in={g.Url("nowhere")}", g.Url("nowhere"));
        await RefusedAsync($"Observation?{g.Scope}&code:in={g.Url("filtered")}", "terminology server");
        await RefusedAsync($"Observation?{g.Scope}&code:not-in={g.Url("ping")}", "includes itself");
        await RefusedAsync($"Observation?{g.Scope}&code:in={g.Url("partial")}", "partial");
        await RefusedWhenStrictAsync($"Observation?{g.Scope}&subject:in={g.Url("listed")}", "not supported on 'subject'");
    }
}

public sealed class ValueSetSearchOnSqlite(SqliteHost host) : ValueSetSearchBehaviour(host), IClassFixture<SqliteHost>;

public sealed class ValueSetSearchOnPostgres(PostgresHost host) : ValueSetSearchBehaviour(host), IClassFixture<PostgresHost>;
