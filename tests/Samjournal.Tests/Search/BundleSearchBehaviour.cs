using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Search;

/// <summary>Search entries (<c>GET Type?criteria</c>) in batch and transaction bundles: each answers
/// with a searchset Bundle as the REST search would, and in a transaction after every write.</summary>
public abstract class BundleSearchBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private static Bundle.EntryComponent Get(string url) => new() { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = url } };

    private static Patient Tagged(string marker, string family)
    {
        var patient = NewPatient(family);
        patient.Identifier.Add(new Identifier("urn:test:" + marker, family));
        return patient;
    }

    private async Task<Bundle> PostBundleAsync(Bundle bundle) =>
        await (await Client.PostAsync("", FhirClientExtensions.Json(bundle))).ExpectAsync<Bundle>(HttpStatusCode.OK);

    private static List<string> MatchIds(Bundle searchset) =>
        searchset.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id!).ToList();

    [Fact]
    public async Task A_search_entry_in_a_batch_answers_with_the_same_searchset_as_the_rest_search()
    {
        var marker = Unique()[..8];
        var made = new List<(string Id, string Family)>();
        foreach (var family in new[] { "c", "a", "b" })
        {
            made.Add(((await CreateAsync(Tagged(marker, family))).Id, family));
        }

        var query = $"Patient?identifier=urn:test:{marker}|&_sort=family&_count=2&_total=accurate";
        var batch = new Bundle { Type = Bundle.BundleType.Batch, Entry = [Get(query), Get("Patient?_count=many"), Get($"Patient/{made[0].Id}")] };

        var response = await PostBundleAsync(batch);

        Assert.StartsWith("200", response.Entry[0].Response.Status, StringComparison.Ordinal);
        var searchset = Assert.IsType<Bundle>(response.Entry[0].Resource);
        Assert.Equal(Bundle.BundleType.Searchset, searchset.Type);
        Assert.Equal(3, searchset.Total);
        var sorted = made.OrderBy(m => m.Family, StringComparer.Ordinal).Select(m => m.Id).ToList();
        Assert.Equal(sorted.Take(2), MatchIds(searchset));

        var rest = await (await Client.GetAsync(query)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(MatchIds(rest), MatchIds(searchset));

        // Its next link is an ordinary search URL on this server and continues where it stopped.
        var next = searchset.Link.Single(l => l.Relation == "next").Url;
        var second = await (await Client.GetAsync(next)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(sorted.Skip(2), MatchIds(second));

        // A bad search fails its own entry only.
        Assert.StartsWith("400", response.Entry[1].Response.Status, StringComparison.Ordinal);
        Assert.StartsWith("200", response.Entry[2].Response.Status, StringComparison.Ordinal);
        Assert.Equal(made[0].Id, response.Entry[2].Resource.Id);
    }

    [Fact]
    public async Task The_bundle_requests_handling_preference_applies_to_its_search_entries()
    {
        var marker = Unique()[..8];
        var id = (await CreateAsync(Tagged(marker, "a"))).Id;
        var batch = new Bundle { Type = Bundle.BundleType.Batch, Entry = [Get($"Patient?identifier=urn:test:{marker}|&nonsense=1")] };

        // Lenient (the default): the unknown parameter is ignored and named in an outcome entry.
        var lenient = Assert.IsType<Bundle>((await PostBundleAsync(batch)).Entry[0].Resource);
        Assert.Equal([id], MatchIds(lenient));
        var outcome = (OperationOutcome)lenient.Entry.Single(e => e.Search.Mode == Bundle.SearchEntryMode.Outcome).Resource;
        Assert.Contains(outcome.Issue, i => i.Diagnostics.Contains("nonsense", StringComparison.Ordinal));

        // Strict: the entry fails with an outcome that names it; the batch itself still answers.
        var request = new HttpRequestMessage(HttpMethod.Post, "") { Content = FhirClientExtensions.Json(batch) };
        request.Headers.Add("Prefer", "handling=strict");
        var strict = await (await Client.SendAsync(request)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.StartsWith("400", strict.Entry[0].Response.Status, StringComparison.Ordinal);
        var refused = Assert.IsType<OperationOutcome>(strict.Entry[0].Response.Outcome);
        Assert.Contains(refused.Issue, i => i.Diagnostics.Contains("nonsense", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_search_entry_in_a_transaction_runs_after_the_writes_and_sees_them()
    {
        var marker = Unique()[..8];
        var transaction = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                Get($"Patient?identifier=urn:test:{marker}|&_sort=-family"),
                new() { FullUrl = "urn:uuid:" + Guid.NewGuid(), Resource = Tagged(marker, "a"), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" } },
                new() { FullUrl = "urn:uuid:" + Guid.NewGuid(), Resource = Tagged(marker, "b"), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" } },
            ],
        };

        var response = await PostBundleAsync(transaction);

        var created = response.Entry.Skip(1).Select(e => e.Response.Location.Split('/')[1]).ToList();
        var searchset = Assert.IsType<Bundle>(response.Entry[0].Resource);
        Assert.Equal(Bundle.BundleType.Searchset, searchset.Type);
        Assert.Equal([created[1], created[0]], MatchIds(searchset));
    }
}

public sealed class BundleSearchOnSqlite(SqliteHost host) : BundleSearchBehaviour(host), IClassFixture<SqliteHost>;

public sealed class BundleSearchOnPostgres(PostgresHost host) : BundleSearchBehaviour(host), IClassFixture<PostgresHost>;
