using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Access;

/// <summary>What the access tests share: writing as the system client and finding the demo region's
/// units and staff by their national identifiers.</summary>
public abstract class AccessTestBase(SamjournalHost host) : RestTestBase(host)
{
    protected const string OrganisationSystem = "urn:oid:2.16.578.1.12.4.1.4.101";
    protected const string HprSystem = "urn:oid:2.16.578.1.12.4.1.4.4";

    protected async Task<T> PostAsync<T>(T resource) where T : Resource =>
        await (await Client.PostAsync(resource.TypeName, FhirClientExtensions.Json(resource))).ExpectAsync<T>(HttpStatusCode.Created);

    /// <summary>The one resource a search finds, as the system client sees it.</summary>
    protected async Task<T> FindAsync<T>(string url) where T : Resource
    {
        var bundle = await (await Client.GetAsync(url)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        return Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<T>());
    }

    protected async Task<string> IdOfAsync(string url) => (await FindAsync<Resource>(url)).Id;

    /// <summary><c>Organization/{id}</c> of the demo unit with this organisation number.</summary>
    protected async Task<string> OrganisationAsync(string number) => "Organization/" + await IdOfAsync($"Organization?identifier={OrganisationSystem}|{number}");
}
