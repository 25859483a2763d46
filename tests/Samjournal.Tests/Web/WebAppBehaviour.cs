using System.Net;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Microsoft.Playwright;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Web;

/// <summary>
/// The clinician's web app in a real browser, over the real host and the seeded demo region: signing
/// in shows who and where one is; search and the overview show a patient one has a relation to, with
/// the national identity number masked until asked for; without a relation the record stays closed
/// until emergency access with a reason. The run saves screenshots of these screens into
/// docs/screenshots.
/// </summary>
public sealed partial class WebAppBehaviour(BrowserHost host) : IClassFixture<BrowserHost>
{
    private const string FnrSystem = "urn:oid:2.16.578.1.12.4.1.4.1";

    [Fact]
    public async System.Threading.Tasks.Task Signing_in_shows_the_person_their_role_and_unit_and_their_worklist()
    {
        var page = await host.SignedInAsync("fossum");

        var who = page.GetByTestId("signed-in");
        await Assertions.Expect(who).ToContainTextAsync("Eirik Fossum");
        await Assertions.Expect(who).ToContainTextAsync("Lege");
        await Assertions.Expect(who).ToContainTextAsync("Fjordvik legekontor");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Mine oppgaver" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("worklist")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserHost.ScreenshotDirectory, "worklist.png"), FullPage = true });

        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My work" })).ToBeVisibleAsync();
    }

    [Fact]
    public async System.Threading.Tasks.Task A_GP_finds_a_patient_on_the_list_and_sees_what_matters_on_one_screen()
    {
        var (patient, family, fnr) = await PatientOfFossumAsync();
        var page = await host.SignedInAsync("fossum");

        await page.GotoAsync("/patients");
        await page.GetByLabel("fødselsnummer").FillAsync(family);
        await page.GetByRole(AriaRole.Button, new() { Name = "Søk" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("patients")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserHost.ScreenshotDirectory, "search.png"), FullPage = true });
        await page.Locator($"a[href='/patients/{patient}']").ClickAsync();

        var banner = page.GetByTestId("patient-banner");
        await Assertions.Expect(banner).ToContainTextAsync(family);
        await Assertions.Expect(page.GetByTestId("national-id")).ToHaveTextAsync(fnr[..6] + " *****");
        Assert.DoesNotContain(fnr, await page.ContentAsync());
        await Assertions.Expect(page.GetByTestId("cave")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("medications")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("results")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserHost.ScreenshotDirectory, "overview.png"), FullPage = true });

        await banner.GetByRole(AriaRole.Link, new() { Name = "Vis" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("national-id")).ToHaveTextAsync(fnr);
    }

    [Fact]
    public async System.Threading.Tasks.Task Without_a_relationship_the_record_stays_closed_until_emergency_access()
    {
        var (patient, _, fnr) = await PatientOfFossumAsync(skip: 1);
        var page = await host.SignedInAsync("haugen");

        await page.GotoAsync("/patients/" + patient);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("ikke tilgang");
        Assert.DoesNotContain(fnr, await page.ContentAsync());

        await page.GotoAsync("/patients?q=" + fnr);
        await Assertions.Expect(page.GetByTestId("no-matches")).ToBeVisibleAsync();
        var form = page.GetByTestId("emergency-access");
        await form.GetByLabel("Begrunnelse").SelectOptionAsync("acute-care");
        await form.GetByLabel("Med egne ord").FillAsync("Innlagt akutt med brystsmerter, trenger legemiddelliste.");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserHost.ScreenshotDirectory, "emergency-access.png"), FullPage = true });
        await form.GetByRole(AriaRole.Button).ClickAsync();

        await page.WaitForURLAsync(new Regex("/patients/" + Regex.Escape(patient) + "$"));
        await Assertions.Expect(page.GetByTestId("emergency-banner")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("patient-banner")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserHost.ScreenshotDirectory, "overview-emergency-access.png"), FullPage = true });
    }

    /// <summary>A patient on Eirik Fossum's GP list, found by the system client (not by the code under test's web pages).</summary>
    private async Task<(string Id, string Family, string Fnr)> PatientOfFossumAsync(int skip = 0)
    {
        var fossum = (await (await host.Client.GetAsync("Practitioner?identifier=urn:oid:2.16.578.1.12.4.1.4.4|91000501")).ExpectAsync<Bundle>(HttpStatusCode.OK)).Entry[0].Resource.Id;
        var bundle = await (await host.Client.GetAsync($"Patient?general-practitioner=Practitioner/{fossum}&_count=50")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var patients = bundle.Entry.Select(e => e.Resource).OfType<Patient>()
            .Where(p => p.Meta?.Security.Any(s => s.System == "https://samjournal.no/fhir/CodeSystem/address-protection") != true
                && p.BirthDate is not null && string.CompareOrdinal(p.BirthDate, "2000") < 0)
            .OrderBy(p => p.Id, StringComparer.Ordinal)
            .ToList();
        var patient = patients[skip];
        return (patient.Id!, patient.Name[0].Family!, patient.Identifier.First(i => i.System == FnrSystem).Value!);
    }
}
