using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Search;

/// <summary>_total and the shaping of searchset entries by _summary and _elements (search.html#summary).</summary>
public abstract class ResultShapeBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private const string SubsettedSystem = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

    private async Task<Bundle> SearchAsync(string query) => await (await Client.GetAsync(query)).ExpectAsync<Bundle>(HttpStatusCode.OK);

    private async Task<string> PatientsAsync(int count)
    {
        var marker = Unique()[..8];
        for (var i = 0; i < count; i++)
        {
            var patient = NewPatient("Form" + marker);
            patient.MaritalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "M");
            patient.Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Kari</div>" };
            await CreateAsync(patient);
        }

        return marker;
    }

    private static bool IsSubsetted(Resource resource) => resource.Meta?.Tag.Any(t => t.System == SubsettedSystem && t.Code == "SUBSETTED") == true;

    [Fact]
    public async Task Total_is_left_out_by_default_exact_when_accurate_and_exact_or_estimated_when_estimate()
    {
        var marker = await PatientsAsync(5);
        var query = $"Patient?family=Form{marker}";

        Assert.Null((await SearchAsync($"{query}&_count=2")).Total);
        Assert.Equal(5, (await SearchAsync($"{query}&_count=2&_total=accurate")).Total);

        // Everything on the first page: the estimate is the exact count.
        Assert.Equal(5, (await SearchAsync($"{query}&_total=estimate")).Total);
        Assert.Equal(5, (await SearchAsync($"{query}&_total=accurate")).Total);

        // Past one page: PostgreSQL's planner gives a rough number; SQLite has none to give.
        var estimated = await SearchAsync($"{query}&_count=2&_total=estimate");
        if (Host.Backend == "Postgres")
        {
            Assert.NotNull(estimated.Total);
            Assert.True(estimated.Total >= 0);
        }
        else
        {
            Assert.Null(estimated.Total);
        }

        await (await Client.GetAsync($"{query}&_total=roughly")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Summary_and_elements_shape_each_entry_and_mark_it_subsetted()
    {
        var marker = await PatientsAsync(1);
        var query = $"Patient?family=Form{marker}";
        Patient Only(Bundle bundle)
        {
            Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
            return (Patient)Assert.Single(bundle.Entry).Resource;
        }

        var full = Only(await SearchAsync(query));
        Assert.NotNull(full.MaritalStatus);
        Assert.NotNull(full.Text);
        Assert.False(IsSubsetted(full));
        Assert.False(IsSubsetted(Only(await SearchAsync($"{query}&_summary=false"))));

        var summary = Only(await SearchAsync($"{query}&_summary=true"));
        Assert.Null(summary.MaritalStatus);
        Assert.NotEmpty(summary.Name);
        Assert.Equal("1980-01-01", summary.BirthDate);
        Assert.True(IsSubsetted(summary));

        var data = Only(await SearchAsync($"{query}&_summary=data"));
        Assert.Null(data.Text);
        Assert.NotNull(data.MaritalStatus);
        Assert.True(IsSubsetted(data));

        var text = Only(await SearchAsync($"{query}&_summary=text"));
        Assert.NotNull(text.Text);
        Assert.Empty(text.Name);
        Assert.True(IsSubsetted(text));

        var elements = Only(await SearchAsync($"{query}&_elements=birthDate"));
        Assert.Equal("1980-01-01", elements.BirthDate);
        Assert.Empty(elements.Name);
        Assert.Null(elements.MaritalStatus);
        Assert.True(IsSubsetted(elements));

        var count = await SearchAsync($"{query}&_summary=count");
        Assert.Equal(1, count.Total);
        Assert.Empty(count.Entry);
        await (await Client.GetAsync($"{query}&_summary=some")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class ResultShapeOnSqlite(SqliteHost host) : ResultShapeBehaviour(host), IClassFixture<SqliteHost>;

public sealed class ResultShapeOnPostgres(PostgresHost host) : ResultShapeBehaviour(host), IClassFixture<PostgresHost>;
