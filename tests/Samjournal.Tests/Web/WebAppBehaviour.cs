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

        // The newest ten encounters, and the longer history on request.
        var total = (await (await host.Client.GetAsync($"Encounter?subject=Patient/{patient}&_summary=count&_total=accurate")).ExpectAsync<Bundle>(HttpStatusCode.OK)).Total!.Value;
        var encounters = page.Locator("section[aria-labelledby=encounters] li");
        await Assertions.Expect(encounters).ToHaveCountAsync(Math.Min(total, 10));
        if (total > 10)
        {
            await page.GetByTestId("more-encounters").ClickAsync();
            await Assertions.Expect(encounters).ToHaveCountAsync(Math.Min(total, 100));
        }
        else
        {
            await Assertions.Expect(page.GetByTestId("more-encounters")).ToHaveCountAsync(0);
        }
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

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/patients/" + Regex.Escape(patient) + "$"));
        await Assertions.Expect(page.GetByTestId("emergency-banner")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("patient-banner")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserHost.ScreenshotDirectory, "overview-emergency-access.png"), FullPage = true });
    }

    [Fact]
    public async System.Threading.Tasks.Task A_prescription_that_meets_an_allergy_is_stopped_on_screen_and_goes_through_only_with_a_reason()
    {
        var patient = await NewPatientOfFossumAsync("Allergisk");
        await PostAsync(new AllergyIntolerance
        {
            ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"),
            VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed"),
            Category = [AllergyIntolerance.AllergyIntoleranceCategory.Medication],
            Code = new CodeableConcept("http://www.whocc.no/atc", "J01C", "Penicilliner"),
            Patient = new ResourceReference("Patient/" + patient),
        });
        var page = await host.SignedInAsync("fossum");
        await page.GotoAsync("/patients/" + patient);
        await Assertions.Expect(page.GetByTestId("cave")).ToContainTextAsync("Penicilliner");

        var form = page.GetByTestId("prescribe");
        await form.GetByLabel("Legemiddel").SelectOptionAsync("J01CA04");
        await form.GetByLabel("Dosering med ord").FillAsync("500 mg tre ganger daglig i 7 dager");
        await form.GetByRole(AriaRole.Button, new() { Name = "Forskriv" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("prescribing-stop")).ToContainTextAsync("allergi");
        Assert.Empty(await FindAsync<MedicationRequest>("MedicationRequest?subject=Patient/" + patient));
        await Assertions.Expect(form.GetByLabel("Dosering med ord")).ToHaveValueAsync("500 mg tre ganger daglig i 7 dager");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserHost.ScreenshotDirectory, "prescribing-stop.png"), FullPage = true });

        await form.GetByLabel("Begrunnelse for å forskrive likevel").FillAsync("Tålt amoksicillin tidligere uten reaksjon; allergien er usikker.");
        await form.GetByRole(AriaRole.Button, new() { Name = "Forskriv likevel" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("Forskrevet");
        await Assertions.Expect(page.GetByTestId("medications")).ToContainTextAsync("500 mg tre ganger daglig");
        var saved = Assert.Single(await FindAsync<MedicationRequest>("MedicationRequest?subject=Patient/" + patient));
        Assert.Contains("Tålt amoksicillin", saved.GetExtension("https://samjournal.no/fhir/StructureDefinition/prescribing-override").GetExtensionValue<FhirString>("reason").Value);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_GP_signs_a_result_and_writes_a_signed_note_from_the_overview()
    {
        var patient = await NewPatientOfFossumAsync("Prøvesvar");
        var fossum = "Practitioner/" + (await FindAsync<Practitioner>("Practitioner?identifier=urn:oid:2.16.578.1.12.4.1.4.4|91000501"))[0].Id;
        var order = await PostAsync(new ServiceRequest
        {
            Status = RequestStatus.Active,
            Intent = RequestIntent.Order,
            Subject = new ResourceReference("Patient/" + patient),
            Requester = new ResourceReference(fossum),
            Code = new CodeableConcept("http://loinc.org", "2823-3", "Kalium"),
        });
        await PostAsync(new Observation
        {
            Status = ObservationStatus.Final,
            BasedOn = [new ResourceReference("ServiceRequest/" + order.Id)],
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")],
            Code = new CodeableConcept("http://loinc.org", "2823-3", "Kalium"),
            Subject = new ResourceReference("Patient/" + patient),
            Effective = new FhirDateTime(DateTimeOffset.UtcNow),
            Value = new Quantity(5.4m, "mmol/L"),
            Interpretation = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "H")],
        });
        var page = await host.SignedInAsync("fossum");
        await page.GotoAsync("/patients/" + patient);

        await Assertions.Expect(page.GetByTestId("results")).ToContainTextAsync("avvikende");
        var toSign = page.GetByTestId("patient-work");
        await Assertions.Expect(toSign).ToContainTextAsync("Kalium");
        await toSign.GetByRole(AriaRole.Button, new() { Name = "Kvitter" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("Signert");
        await Assertions.Expect(page.GetByTestId("patient-work")).ToHaveCountAsync(0);
        var signOff = Assert.Single(await FindAsync<Hl7.Fhir.Model.Task>($"Task?patient=Patient/{patient}&code=https://samjournal.no/fhir/CodeSystem/task-code|result-sign-off"));
        Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.Completed, signOff.Status);

        await page.GetByLabel("Notat", new() { Exact = true }).FillAsync("Kalium lett forhøyet. Ny prøve om en uke.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Signer notat" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("notes")).ToContainTextAsync("Ny prøve om en uke.");
        var note = Assert.Single(await FindAsync<Composition>($"Composition?subject=Patient/{patient}"));
        Assert.Equal(CompositionStatus.Final, note.Status);
        Assert.Equal(fossum, note.Attester[0].Party.Reference);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserHost.ScreenshotDirectory, "overview-acting.png"), FullPage = true });
    }

    [Fact]
    public async System.Threading.Tasks.Task An_older_lab_result_is_shown_however_many_vital_signs_came_after_it()
    {
        // The overview once read the newest 100 observations and picked the lab results from them, so
        // a month of hourly vital signs hid every lab result. The search now picks the lab results.
        var patient = await NewPatientOfFossumAsync("Målinger");
        await PostAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")],
            Code = new CodeableConcept("http://loinc.org", "4548-4", "HbA1c"),
            Subject = new ResourceReference("Patient/" + patient),
            Effective = new FhirDateTime(DateTimeOffset.UtcNow.AddDays(-30)),
            Value = new Quantity(48m, "mmol/mol"),
        });
        var vitals = new Bundle { Type = Bundle.BundleType.Batch };
        for (var hour = 0; hour < 120; hour++)
        {
            vitals.Entry.Add(new Bundle.EntryComponent
            {
                Resource = new Observation
                {
                    Status = ObservationStatus.Final,
                    Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs")],
                    Code = new CodeableConcept("http://loinc.org", "8867-4", "Puls"),
                    Subject = new ResourceReference("Patient/" + patient),
                    Effective = new FhirDateTime(DateTimeOffset.UtcNow.AddDays(-10).AddHours(hour)),
                    Value = new Quantity(70m, "/min"),
                },
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Observation" },
            });
        }

        await (await host.Client.PostAsync("", FhirClientExtensions.Json(vitals))).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var page = await host.SignedInAsync("fossum");
        await page.GotoAsync("/patients/" + patient);

        var results = page.GetByTestId("results");
        await Assertions.Expect(results).ToContainTextAsync("HbA1c");
        await Assertions.Expect(results).Not.ToContainTextAsync("Puls");
    }

    [Fact]
    public async System.Threading.Tasks.Task A_GP_sends_a_referral_from_the_overview_and_sees_where_it_is()
    {
        var patient = await NewPatientOfFossumAsync("Henvist");
        var page = await host.SignedInAsync("fossum");
        await page.GotoAsync("/patients/" + patient);

        var form = page.GetByTestId("refer");
        await form.Locator("select[name=receiver]").SelectOptionAsync(new SelectOptionValue { Label = "Hjemmetjenesten Fjordvik" });
        await form.GetByLabel("Hva det henvises til").FillAsync("Hjemmesykepleie: sårstell");
        await form.GetByLabel("Problemstilling").FillAsync("Leggsår etter operasjon, trenger stell tre ganger i uken.");
        await form.GetByRole(AriaRole.Button, new() { Name = "Send henvisning" }).ClickAsync();

        var messages = page.GetByTestId("messages");
        await Assertions.Expect(messages).ToContainTextAsync("Henvisning → Hjemmetjenesten Fjordvik: Sendt (kvittert) – venter på vurdering");
        var item = Assert.Single(await FindAsync<Hl7.Fhir.Model.Task>($"Task?patient=Patient/{patient}&code=https://samjournal.no/fhir/CodeSystem/task-code|referral"));
        Assert.Equal("310900303", item.GetExtensionValue<ResourceReference>("https://samjournal.no/fhir/StructureDefinition/work-item-queue").Identifier.Value);

        using var hagen = await host.ClientForAsync("hagen");
        await (await hagen.PostAsync($"Task/{item.Id}/$accept", null)).ExpectAsync<Hl7.Fhir.Model.Task>(HttpStatusCode.OK);
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("messages")).ToContainTextAsync("tatt imot");
    }

    private async Task<string> NewPatientOfFossumAsync(string family)
    {
        var fossum = (await FindAsync<Practitioner>("Practitioner?identifier=urn:oid:2.16.578.1.12.4.1.4.4|91000501"))[0].Id;
        var office = (await FindAsync<Organization>("Organization?identifier=urn:oid:2.16.578.1.12.4.1.4.101|310900508"))[0].Id;
        var fnr = new Samjournal.Clinical.Identifiers.SyntheticIdentityGenerator(Random.Shared.Next()).NextFodselsnummer(new DateOnly(1960, 5, 17), AdministrativeGender.Female);
        var created = await PostAsync(new Patient
        {
            Identifier = [new Identifier(FnrSystem, fnr)],
            Name = [new HumanName { Family = family, Given = ["Kari"] }],
            Gender = AdministrativeGender.Female,
            BirthDate = "1960-05-17",
            GeneralPractitioner = [new ResourceReference("Practitioner/" + fossum), new ResourceReference("Organization/" + office)],
        });
        return created.Id!;
    }

    private async Task<T> PostAsync<T>(T resource)
        where T : Resource =>
        await (await host.Client.PostAsync(resource.TypeName, FhirClientExtensions.Json(resource))).ExpectAsync<T>(HttpStatusCode.Created);

    private async Task<List<T>> FindAsync<T>(string query)
        where T : Resource =>
        [.. (await (await host.Client.GetAsync(query)).ExpectAsync<Bundle>(HttpStatusCode.OK)).Entry.Select(e => e.Resource).OfType<T>()];

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
