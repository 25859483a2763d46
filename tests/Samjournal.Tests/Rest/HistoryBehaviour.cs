using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Rest;

public abstract class HistoryBehaviour(SamjournalHost host) : RestTestBase(host)
{
    [Fact]
    public async Task Instance_history_lists_every_version_newest_first()
    {
        var created = await CreateAsync(NewPatient());
        for (var i = 0; i < 3; i++)
        {
            created.Name[0].Given = [$"Navn{i}"];
            created = await (await Client.PutAsync($"Patient/{created.Id}", FhirClientExtensions.Json(created))).ExpectAsync<Patient>(HttpStatusCode.OK);
        }

        var history = await (await Client.GetAsync($"Patient/{created.Id}/_history")).ExpectAsync<Bundle>(HttpStatusCode.OK);

        Assert.Equal(Bundle.BundleType.History, history.Type);
        Assert.Equal(["4", "3", "2", "1"], history.Entry.Select(e => e.Resource.Meta.VersionId));
        Assert.Equal(Bundle.HTTPVerb.POST, history.Entry[^1].Request.Method);
        Assert.Equal(Bundle.HTTPVerb.PUT, history.Entry[0].Request.Method);
    }

    [Fact]
    public async Task Paging_through_type_history_returns_every_version_once_even_while_new_ones_arrive()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        var made = new HashSet<string>();
        for (var i = 0; i < 7; i++)
        {
            var d = await (await Client.PostAsync("Device", FhirClientExtensions.Json(new Device { Status = Device.FHIRDeviceStatus.Active }))).ExpectAsync<Device>(HttpStatusCode.Created);
            made.Add(d.Id!);
        }

        var seen = new List<string>();
        var url = $"Device/_history?_count=3&_since={Uri.EscapeDataString(since)}";
        var pages = 0;
        while (url is not null)
        {
            var page = await (await Client.GetAsync(url)).ExpectAsync<Bundle>(HttpStatusCode.OK);
            seen.AddRange(page.Entry.Select(e => e.Resource.Id!));
            url = page.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
            if (pages++ == 0)
            {
                // A write between pages must not shift what the next pages hold.
                await Client.PostAsync("Device", FhirClientExtensions.Json(new Device { Status = Device.FHIRDeviceStatus.Inactive }));
            }
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Subset(seen.ToHashSet(), made);
        Assert.True(pages >= 3);
    }

    [Fact]
    public async Task History_since_a_moment_leaves_out_older_versions()
    {
        var old = await CreateAsync(NewPatient());
        await Task.Delay(20);
        var cut = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        await Task.Delay(20);
        var fresh = await CreateAsync(NewPatient());

        var history = await (await Client.GetAsync($"Patient/_history?_since={Uri.EscapeDataString(cut)}&_count=1000")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var ids = history.Entry.Select(e => e.Resource.Id).ToList();

        Assert.Contains(fresh.Id, ids);
        Assert.DoesNotContain(old.Id, ids);
    }

    [Fact]
    public async Task System_history_includes_deletes_without_a_body()
    {
        var created = await CreateAsync(NewPatient());
        await Client.DeleteAsync($"Patient/{created.Id}");

        var history = await (await Client.GetAsync("_history?_count=5")).ExpectAsync<Bundle>(HttpStatusCode.OK);

        var newest = history.Entry[0];
        Assert.Equal(Bundle.HTTPVerb.DELETE, newest.Request.Method);
        Assert.Equal($"Patient/{created.Id}/_history/2", newest.Response.Location);
        Assert.Null(newest.Resource);
    }
}

public sealed class HistoryOnSqlite(SqliteHost host) : HistoryBehaviour(host), IClassFixture<SqliteHost>;

public sealed class HistoryOnPostgres(PostgresHost host) : HistoryBehaviour(host), IClassFixture<PostgresHost>;
