using System.Net;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Microsoft.Playwright;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Web;

/// <summary>
/// Acting from the workplace: reconciling the medication list at admission (nothing typed is lost
/// when the server refuses), answering referrals and closing emergency-access reviews from the
/// worklist, and the care team on the overview. What the browser did is checked through the FHIR
/// API by the system client, not through the pages under test.
/// </summary>
public sealed partial class WebAppBehaviour
{
    private const string AtcSystem = "http://www.whocc.no/atc";
    private const string MedicalWardNumber = "310900117";

    [Fact]
    public async System.Threading.Tasks.Task A_ward_doctor_reconciles_the_medication_list_at_admission_and_a_refusal_keeps_every_choice()
    {
        var patient = await NewPatientOfFossumAsync("Samstemming");
        var ward = (await FindAsync<Organization>("Organization?identifier=urn:oid:2.16.578.1.12.4.1.4.101|" + MedicalWardNumber))[0];
        var stay = await PostAsync(new Encounter
        {
            Status = Encounter.EncounterStatus.InProgress,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP"),
            Subject = new ResourceReference("Patient/" + patient),
            ServiceProvider = new ResourceReference("Organization/" + ward.Id, ward.Name),
        });
        var metformin = await PostAsync(Used(patient, "A10BA02", "metformin", "500 mg morgen og kveld"));
        var warfarin = await PostAsync(Used(patient, "B01AA03", "warfarin", "etter INR-skjema"));

        var page = await host.SignedInAsync("haugen");
        await page.GotoAsync("/patients/" + patient);
        await Assertions.Expect(page.GetByTestId("care-team")).ToContainTextAsync("Medisinsk sengepost");
        await page.GetByRole(AriaRole.Link, new() { Name = "Samstem legemidler" }).ClickAsync();

        var form = page.GetByTestId("reconcile");
        var records = page.GetByTestId("reconcile-records");
        Assert.Empty(await page.EvaluateAsync<string[]>(AuditScript));
        await records.GetByRole(AriaRole.Row).Filter(new() { HasText = "metformin" }).Locator("select").SelectOptionAsync("change");
        await records.GetByRole(AriaRole.Row).Filter(new() { HasText = "metformin" }).GetByLabel("Ny dosering").FillAsync("1000 mg morgen og kveld");
        await records.GetByRole(AriaRole.Row).Filter(new() { HasText = "warfarin" }).Locator("select").SelectOptionAsync("stop");
        await records.GetByRole(AriaRole.Row).Filter(new() { HasText = "warfarin" }).GetByLabel("Begrunnelse").FillAsync("Blødning; byttes til apiksaban");
        await form.Locator("select[name=new-atc-0]").SelectOptionAsync("B01AF02");
        await form.Locator("input[name=new-dosage-0]").FillAsync("5 mg morgen og kveld");

        // No source ticked: refused in words, and every choice is still there.
        await form.GetByRole(AriaRole.Button, new() { Name = "Lagre samstemt liste" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("reconcile-error")).ToContainTextAsync("sammenholdt med");
        Assert.Empty(await FindAsync<List>($"List?subject=Patient/{patient}&code=https://samjournal.no/fhir/CodeSystem/list-code|reconciled-medication-list"));
        await Assertions.Expect(records.GetByRole(AriaRole.Row).Filter(new() { HasText = "metformin" }).Locator("select")).ToHaveValueAsync("change");
        await Assertions.Expect(records.GetByRole(AriaRole.Row).Filter(new() { HasText = "metformin" }).GetByLabel("Ny dosering")).ToHaveValueAsync("1000 mg morgen og kveld");
        await Assertions.Expect(form.Locator("input[name=new-dosage-0]")).ToHaveValueAsync("5 mg morgen og kveld");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserHost.ScreenshotDirectory, "reconciliation.png"), FullPage = true });

        await form.GetByLabel("Samtale med pasient").CheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Lagre samstemt liste" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/patients/" + Regex.Escape(patient) + @"\?"));
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("samstemt");
        var medications = page.GetByTestId("medications");
        await Assertions.Expect(medications).ToContainTextAsync("1000 mg morgen og kveld");
        await Assertions.Expect(medications).ToContainTextAsync("apixaban");
        await Assertions.Expect(medications).Not.ToContainTextAsync("warfarin");

        var list = Assert.Single(await FindAsync<List>($"List?subject=Patient/{patient}&code=https://samjournal.no/fhir/CodeSystem/list-code|reconciled-medication-list&status=current"));
        Assert.Equal("admission", list.GetExtensionValue<Code>("https://samjournal.no/fhir/StructureDefinition/reconciliation-occasion").Value);
        Assert.Equal("Encounter/" + stay.Id, list.Encounter.Reference);
        var actions = list.Entry.Select(e => e.GetExtensionValue<Code>("https://samjournal.no/fhir/StructureDefinition/reconciliation-action").Value).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["change", "new", "stop"], actions);
        var stopped = await (await host.Client.GetAsync("MedicationStatement/" + warfarin.Id)).ExpectAsync<MedicationStatement>(HttpStatusCode.OK);
        Assert.Equal(MedicationStatement.MedicationStatusCodes.Stopped, stopped.Status);
        Assert.Contains("Blødning", stopped.StatusReason[0].Text, StringComparison.Ordinal);
        var changed = await (await host.Client.GetAsync("MedicationStatement/" + metformin.Id)).ExpectAsync<MedicationStatement>(HttpStatusCode.OK);
        Assert.Equal("1000 mg morgen og kveld", changed.Dosage[0].Text);
    }

    [Fact]
    public async System.Threading.Tasks.Task Home_care_accepts_one_referral_and_rejects_another_with_a_reason_from_the_worklist()
    {
        var patient = await NewPatientOfFossumAsync("Henvist");
        var gp = await host.SignedInAsync("fossum");
        await SendReferralAsync(gp, patient, "Hjemmesykepleie: sårstell");
        await SendReferralAsync(gp, patient, "Hjemmesykepleie: øyedråper");
        var items = await FindAsync<Hl7.Fhir.Model.Task>($"Task?patient=Patient/{patient}&code=https://samjournal.no/fhir/CodeSystem/task-code|referral");
        Assert.Equal(2, items.Count);

        var nurse = await host.SignedInAsync("hagen");
        var worklist = nurse.GetByTestId("worklist");
        var woundCare = worklist.GetByRole(AriaRole.Row).Filter(new() { HasText = "sårstell" });
        await woundCare.GetByRole(AriaRole.Button, new() { Name = "Ta imot" }).ClickAsync();
        await Assertions.Expect(nurse.GetByTestId("notice")).ToContainTextAsync("tatt imot");

        var eyeDrops = nurse.GetByTestId("worklist").GetByRole(AriaRole.Row).Filter(new() { HasText = "øyedråper" });
        // Accepting the first referral gave home care its relation to the patient: the row names her, and its priority in words.
        await Assertions.Expect(eyeDrops).ToContainTextAsync("Kari Henvist");
        await Assertions.Expect(eyeDrops).ToContainTextAsync("vanlig");
        await eyeDrops.Locator("summary", new() { HasText = "Avvis" }).ClickAsync();
        await eyeDrops.GetByLabel("Hvorfor").FillAsync("Pasienten drypper selv; kontakt oss ved endring.");
        await nurse.ScreenshotAsync(new() { Path = Path.Combine(BrowserHost.ScreenshotDirectory, "worklist-referral.png"), FullPage = true });
        await eyeDrops.GetByRole(AriaRole.Button, new() { Name = "Avvis" }).ClickAsync();
        await Assertions.Expect(nurse.GetByTestId("notice")).ToContainTextAsync("avvist");

        var answered = await FindAsync<Hl7.Fhir.Model.Task>($"Task?patient=Patient/{patient}&code=https://samjournal.no/fhir/CodeSystem/task-code|referral");
        Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.Accepted, answered.Single(t => t.Description.Contains("sårstell", StringComparison.Ordinal)).Status);
        var rejected = answered.Single(t => t.Status == Hl7.Fhir.Model.Task.TaskStatus.Rejected);
        Assert.Contains("drypper selv", rejected.StatusReason.Text, StringComparison.Ordinal);

        await gp.GotoAsync("/patients/" + patient);
        await Assertions.Expect(gp.GetByTestId("messages")).ToContainTextAsync("tatt imot");
        await Assertions.Expect(gp.GetByTestId("messages")).ToContainTextAsync("avvist: Pasienten drypper selv");
    }

    [Fact]
    public async System.Threading.Tasks.Task The_unit_leader_closes_an_emergency_access_review_from_the_worklist_without_opening_the_record()
    {
        var (patient, _, _) = await PatientOfFossumAsync(skip: 2);
        using var surgeon = await host.ClientForAsync("haugen");
        var request = new Parameters();
        request.Add("reason", new Code("acute-care"));
        var why = $"Innlagt akutt, bevisstløs; trenger legemiddellisten ({Guid.NewGuid():N}).";
        request.Add("text", new FhirString(why));
        var granted = await (await surgeon.PostAsync($"Patient/{patient}/$emergency-access", FhirClientExtensions.Json(request))).ExpectAsync<Parameters>(HttpStatusCode.Created);
        var review = granted.GetSingleValue<ResourceReference>("task").Reference;

        var leader = await host.SignedInAsync("lie");
        var row = leader.GetByTestId("worklist").GetByRole(AriaRole.Row).Filter(new() { HasText = why });
        await Assertions.Expect(row).ToContainTextAsync("Akuttilgang til gjennomgang");
        await Assertions.Expect(row).ToContainTextAsync("Ingrid Haugen");
        await Assertions.Expect(row.Locator("a[href^='/patients/']")).ToHaveCountAsync(0);
        await row.Locator("summary", new() { HasText = "Avslutt gjennomgang" }).ClickAsync();
        await row.GetByLabel("Hva gjennomgangen fant").FillAsync("Akutt innleggelse bekreftet; tilgangen var berettiget.");
        await row.GetByRole(AriaRole.Button, new() { Name = "Avslutt gjennomgang" }).ClickAsync();
        await Assertions.Expect(leader.GetByTestId("notice")).ToContainTextAsync("avsluttet");

        var closed = await (await host.Client.GetAsync(review)).ExpectAsync<Hl7.Fhir.Model.Task>(HttpStatusCode.OK);
        Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.Completed, closed.Status);
        Assert.Contains(closed.Note, n => n.Text.Contains("berettiget", StringComparison.Ordinal));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_refused_referral_comes_back_with_what_was_typed()
    {
        var patient = await NewPatientOfFossumAsync("Uadressert");
        var page = await host.SignedInAsync("fossum");
        await page.GotoAsync("/patients/" + patient);
        var form = page.GetByTestId("refer");
        // A receiver the directory has no address for (as a stale page could still offer).
        await form.Locator("select[name=receiver]").EvaluateAsync("s => { s.options[0].value = 'Organization/finnes-ikke'; s.selectedIndex = 0; }");
        await form.GetByLabel("Hva det henvises til").FillAsync("Fysioterapi etter hofteprotese");
        await form.GetByLabel("Problemstilling").FillAsync("Trenger gangtrening to ganger i uken.");
        await form.GetByRole(AriaRole.Button, new() { Name = "Send henvisning" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("notice")).ToBeVisibleAsync();
        Assert.Empty(await FindAsync<ServiceRequest>("ServiceRequest?subject=Patient/" + patient));
        await Assertions.Expect(page.GetByTestId("refer").GetByLabel("Hva det henvises til")).ToHaveValueAsync("Fysioterapi etter hofteprotese");
        await Assertions.Expect(page.GetByTestId("refer").GetByLabel("Problemstilling")).ToHaveValueAsync("Trenger gangtrening to ganger i uken.");
    }

    private static async System.Threading.Tasks.Task SendReferralAsync(IPage page, string patient, string what)
    {
        await page.GotoAsync("/patients/" + patient);
        var form = page.GetByTestId("refer");
        await form.Locator("select[name=receiver]").SelectOptionAsync(new SelectOptionValue { Label = "Hjemmetjenesten Fjordvik" });
        await form.GetByLabel("Hva det henvises til").FillAsync(what);
        await form.GetByLabel("Problemstilling").FillAsync("Trenger hjelp hjemme etter utskrivning.");
        await form.GetByRole(AriaRole.Button, new() { Name = "Send henvisning" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToBeVisibleAsync();
    }

    private static MedicationStatement Used(string patient, string atc, string name, string dosage) => new()
    {
        Status = MedicationStatement.MedicationStatusCodes.Active,
        Medication = new CodeableConcept(AtcSystem, atc, name) { Text = name },
        Subject = new ResourceReference("Patient/" + patient),
        Dosage = [new Dosage { Text = dosage }],
    };
}
