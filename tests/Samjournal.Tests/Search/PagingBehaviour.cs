using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Search;

/// <summary>Keyset paging over HTTP: next and previous links, pages that stay right while
/// resources are added and deleted between fetches, and page tokens that cannot be forged.</summary>
public abstract class PagingBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private async Task<Bundle> PageAsync(string url) => await (await Client.GetAsync(url)).ExpectAsync<Bundle>(HttpStatusCode.OK);

    private static List<string> Ids(Bundle page) =>
        page.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id!).ToList();

    private static string? LinkOf(Bundle page, string relation) => page.Link.FirstOrDefault(l => l.Relation == relation)?.Url;

    private async Task<(string Id, string Family)> PatientAsync(string marker, string family)
    {
        var patient = NewPatient(family);
        patient.Identifier.Add(new Identifier("urn:test:" + marker, family));
        return ((await CreateAsync(patient)).Id!, family);
    }

    /// <summary>
    /// Pages through a search, and after the first page adds one resource that sorts before the
    /// position reached, two after it, and deletes one already seen and one not yet seen. Every
    /// resource that matched throughout must come exactly once, what was added after the position
    /// must come, and what was deleted before being reached must not.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Paging_skips_and_repeats_nothing_while_resources_are_added_and_deleted(bool sorted)
    {
        var marker = Unique()[..8];
        var made = new List<(string Id, string Family)>();
        foreach (var family in new[] { "f05", "f02", "f08", "f01", "f07", "f03", "f06", "f04" })
        {
            made.Add(await PatientAsync(marker, family));
        }

        // Unsorted pages come in internal key order, which is creation order.
        List<(string Id, string Family)> InPageOrder(IEnumerable<(string Id, string Family)> set) =>
            sorted ? set.OrderBy(m => m.Family, StringComparer.Ordinal).ToList() : set.ToList();

        var url = $"Patient?identifier=urn:test:{marker}|&_count=3{(sorted ? "&_sort=family" : "")}";
        var first = await PageAsync(url);
        var seen = Ids(first);
        var expectedFirst = InPageOrder(made).Take(3).ToList();
        Assert.Equal(expectedFirst.Select(m => m.Id), seen);

        var unseen = InPageOrder(made).Skip(3).ToList();
        var deletedSeen = expectedFirst[1];
        var deletedUnseen = unseen[2];
        Assert.True((await Client.DeleteAsync($"Patient/{deletedSeen.Id}")).IsSuccessStatusCode);
        Assert.True((await Client.DeleteAsync($"Patient/{deletedUnseen.Id}")).IsSuccessStatusCode);
        var before = await PatientAsync(marker, "f00");
        var between = await PatientAsync(marker, "f035");
        var after = await PatientAsync(marker, "f09");

        var next = LinkOf(first, "next");
        while (next is not null)
        {
            var page = await PageAsync(next);
            seen.AddRange(Ids(page));
            next = LinkOf(page, "next");
        }

        // Sorted: what sorts after the first page's last row (f03) and still exists. Unsorted: every
        // resource made after the first page's rows, in key order, the new ones last.
        var rest = sorted
            ? InPageOrder(unseen.Where(m => m != deletedUnseen).Concat([between, after]).Where(m => string.CompareOrdinal(m.Family, expectedFirst[^1].Family) > 0))
            : unseen.Where(m => m != deletedUnseen).Concat([before, between, after]).ToList();
        Assert.Equal(expectedFirst.Select(m => m.Id).Concat(rest.Select(m => m.Id)), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.DoesNotContain(deletedUnseen.Id, seen);
    }

    [Fact]
    public async Task Previous_links_walk_back_over_the_same_pages_and_the_first_page_has_none()
    {
        var marker = Unique()[..8];
        var made = new List<(string Id, string Family)>();
        foreach (var family in new[] { "d", "a", "g", "b", "f", "c", "e" })
        {
            made.Add(await PatientAsync(marker, family));
        }

        var expected = made.OrderByDescending(m => m.Family, StringComparer.Ordinal).Select(m => m.Id).ToList();
        var first = await PageAsync($"Patient?identifier=urn:test:{marker}|&_count=3&_sort=-family");
        Assert.Null(LinkOf(first, "previous"));
        var second = await PageAsync(LinkOf(first, "next")!);
        var third = await PageAsync(LinkOf(second, "next")!);
        Assert.Null(LinkOf(third, "next"));
        Assert.Equal(expected, Ids(first).Concat(Ids(second)).Concat(Ids(third)));

        var backToSecond = await PageAsync(LinkOf(third, "previous")!);
        Assert.Equal(Ids(second), Ids(backToSecond));
        var backToFirst = await PageAsync(LinkOf(backToSecond, "previous")!);
        Assert.Equal(Ids(first), Ids(backToFirst));
        Assert.Null(LinkOf(backToFirst, "previous"));

        // And forward again from a page reached backwards.
        Assert.Equal(Ids(second), Ids(await PageAsync(LinkOf(backToFirst, "next")!)));
    }

    [Fact]
    public async Task A_changed_or_foreign_page_token_is_a_bad_request()
    {
        var marker = Unique()[..8];
        for (var i = 0; i < 3; i++)
        {
            await PatientAsync(marker, "p" + i);
        }

        var first = await PageAsync($"Patient?identifier=urn:test:{marker}|&_count=1&_sort=family");
        var next = LinkOf(first, "next")!;
        var token = Uri.UnescapeDataString(next[(next.IndexOf("_page=", StringComparison.Ordinal) + 6)..]);
        Assert.Equal(200, (int)(await Client.GetAsync($"Patient?identifier=urn:test:{marker}|&_count=1&_sort=family&_page={Uri.EscapeDataString(token)}")).StatusCode);

        var flipped = token[..2] + (token[2] == 'A' ? 'B' : 'A') + token[3..];
        foreach (var bad in new[] { flipped, token[..^2], "12345", "not.a-token", token + "x" })
        {
            await (await Client.GetAsync($"Patient?identifier=urn:test:{marker}|&_count=1&_sort=family&_page={Uri.EscapeDataString(bad)}")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        }

        // A token made for one order is no position in another.
        await (await Client.GetAsync($"Patient?identifier=urn:test:{marker}|&_count=1&_sort=-family&_page={Uri.EscapeDataString(token)}")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await (await Client.GetAsync($"Observation?_count=1&_sort=family&_page={Uri.EscapeDataString(token)}")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class PagingOnSqlite(SqliteHost host) : PagingBehaviour(host), IClassFixture<SqliteHost>;

public sealed class PagingOnPostgres(PostgresHost host) : PagingBehaviour(host), IClassFixture<PostgresHost>;
