using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Search;

/// <summary>Helpers for search behaviour tests: writing small graphs and reading match ids.</summary>
public abstract class SearchTestBase(SamjournalHost host) : RestTestBase(host)
{
    protected async Task<T> PostAsync<T>(T resource)
        where T : Resource =>
        await (await Client.PostAsync(resource.TypeName, FhirClientExtensions.Json(resource))).ExpectAsync<T>(HttpStatusCode.Created);

    /// <summary>Creates the resource under the id it carries (update as create), so a test can give
    /// resources of different types the same id.</summary>
    protected async Task<T> PutAsync<T>(T resource)
        where T : Resource =>
        await (await Client.PutAsync($"{resource.TypeName}/{resource.Id}", FhirClientExtensions.Json(resource))).ExpectAsync<T>(HttpStatusCode.Created);

    protected async Task DeleteAsync(Resource resource)
    {
        var response = await Client.DeleteAsync($"{resource.TypeName}/{resource.Id}");
        Assert.True(response.IsSuccessStatusCode, $"Deleting {resource.TypeName}/{resource.Id} answered {(int)response.StatusCode}.");
    }

    /// <summary>The ids of every match, all pages, in order; fails on any outcome entry, so a
    /// parameter that was silently ignored cannot pass for one that was answered.</summary>
    protected async Task<List<string>> MatchIdsAsync(string query)
    {
        var ids = new List<string>();
        string? url = query;
        while (url is not null)
        {
            var bundle = await (await Client.GetAsync(url)).ExpectAsync<Bundle>(HttpStatusCode.OK);
            Assert.DoesNotContain(bundle.Entry, e => e.Search?.Mode == Bundle.SearchEntryMode.Outcome);
            ids.AddRange(bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id!));
            url = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
        }

        return ids.Order(StringComparer.Ordinal).ToList();
    }

    protected static List<string> Ids(params Resource[] resources) => resources.Select(r => r.Id!).Order(StringComparer.Ordinal).ToList();

    /// <summary>Sends the search under <c>Prefer: handling=strict</c> and expects a 400 whose
    /// diagnostics contain <paramref name="messagePart"/>.</summary>
    protected async Task<OperationOutcome> RefusedWhenStrictAsync(string query, string messagePart)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, query);
        request.Headers.Add("Prefer", "handling=strict");
        var outcome = await (await Client.SendAsync(request)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        Assert.Contains(outcome.Issue, i => i.Diagnostics.Contains(messagePart, StringComparison.Ordinal));
        return outcome;
    }

    /// <summary>Sends the search with the default (lenient) handling and returns the searchset's
    /// outcome entry, which must name <paramref name="messagePart"/>, with the match ids.</summary>
    protected async Task<List<string>> IgnoredWhenLenientAsync(string query, string messagePart)
    {
        var bundle = await (await Client.GetAsync(query)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var outcome = (OperationOutcome)bundle.Entry.Single(e => e.Search?.Mode == Bundle.SearchEntryMode.Outcome).Resource;
        Assert.Contains(outcome.Issue, i => i.Diagnostics.Contains(messagePart, StringComparison.Ordinal));
        return bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id!).Order(StringComparer.Ordinal).ToList();
    }

    protected async Task<OperationOutcome> RefusedAsync(string query, string messagePart)
    {
        var outcome = await (await Client.GetAsync(query)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        Assert.Contains(outcome.Issue, i => i.Diagnostics.Contains(messagePart, StringComparison.Ordinal));
        return outcome;
    }
}
