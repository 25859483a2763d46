using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Rest;

/// <summary>Shared helpers for behaviour tests over HTTP against the real host.</summary>
public abstract class RestTestBase(SamjournalHost host)
{
    protected HttpClient Client => host.Client;

    protected SamjournalHost Host => host;

    /// <summary>A patient with a unique synthetic identifier, so tests never see each other's data.</summary>
    protected static Patient NewPatient(string family = "Nordmann")
    {
        return new Patient
        {
            Identifier = [new Identifier("urn:oid:2.16.578.1.12.4.1.4.1", Unique())],
            Name = [new HumanName { Family = family, Given = ["Kari"] }],
            Gender = AdministrativeGender.Female,
            BirthDate = "1980-01-01",
        };
    }

    protected static string Unique() => Guid.NewGuid().ToString("N");

    protected async Task<Patient> CreateAsync(Patient patient)
    {
        var response = await Client.PostAsync("Patient", FhirClientExtensions.Json(patient));
        return await response.ExpectAsync<Patient>(HttpStatusCode.Created);
    }

    /// <summary>The newest version in the whole store: if a request changed nothing, this stays the same.</summary>
    protected async Task<string> NewestVersionAsync()
    {
        var response = await Client.GetAsync("_history?_count=1");
        var bundle = await response.ExpectAsync<Bundle>(HttpStatusCode.OK);
        return bundle.Entry.Count == 0 ? "empty" : bundle.Entry[0].Response.Location;
    }

    protected async Task AssertRefusedWithoutChangeAsync(Func<Task<HttpResponseMessage>> request, HttpStatusCode status, string? messagePart = null)
    {
        var before = await NewestVersionAsync();
        var response = await request();
        var outcome = await response.ExpectOutcomeAsync(status);
        if (messagePart is not null)
        {
            Assert.Contains(outcome.Issue, i => i.Diagnostics.Contains(messagePart, StringComparison.OrdinalIgnoreCase));
        }

        Assert.Equal(before, await NewestVersionAsync());
    }
}
