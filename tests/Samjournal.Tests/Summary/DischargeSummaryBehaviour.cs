using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Access;
using Samjournal.Tests.Conformance;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.MedicationList;

namespace Samjournal.Tests.Summary;

/// <summary>
/// Invariant 6: what a discharge summary (epikrise) shows is exactly the signed, reconciled list.
/// The medication section is made from the current reconciled list at signing and carries its
/// hash; a stale or hand-edited section is refused on every write path.
/// </summary>
public abstract class DischargeSummaryBehaviour(SamjournalHost host) : MedicationListTestBase(host)
{
    private const string Loinc = "http://loinc.org";

    private static readonly (string Atc, string Name)[] Drugs =
    [
        ("A10BA02", "Metformin"), ("C10AA01", "Simvastatin"), ("B01AC06", "Acetylsalisylsyre"), ("C07AB02", "Metoprolol"),
        ("N02BE01", "Paracetamol"), ("C03CA01", "Furosemid"), ("A02BC01", "Omeprazol"), ("H03AA01", "Levotyroksin"),
    ];

    private static readonly string[] Dosages =
    [
        "1 tablett morgen og kveld", "500 mg  x 3\n(ved måltid)", "10 mg hver 8. time", "1 tablett mandag, onsdag og fredag",
        "ved behov, maks 4 g/døgn", "5 mg daglig i 3 dager, deretter 2,5 mg daglig", "1 dråpe < 2 ganger & mer",
    ];

    /// <summary>A table of generated lists (seeded, so a failure is reproducible): of different
    /// lengths (none, one, several), keeps, changes, stops and new ones, dosage words with line
    /// breaks and characters that need escaping. For each, the signed section's hash equals the
    /// reconciled list's, which equals the hash computed here from the records themselves.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task The_signed_medication_section_carries_the_hash_of_the_reconciled_list(int seed)
    {
        var random = new Random(seed);
        var (patient, encounter) = await AdmittedPatientAsync();
        var count = seed == 1 ? 0 : random.Next(1, Drugs.Length);
        var entries = new List<Parameters.ParameterComponent>();
        foreach (var (atc, name) in Drugs.OrderBy(_ => random.Next()).Take(count))
        {
            var dosage = Dosages[random.Next(Dosages.Length)];
            switch (random.Next(4))
            {
                case 0:
                    entries.Add(Entry("new", resource: Statement(patient, atc, name, dosage)));
                    break;
                case 1:
                    entries.Add(Entry("stop", $"MedicationStatement/{(await PostAsync(Statement(patient, atc, name, dosage))).Id}"));
                    break;
                case 2:
                    entries.Add(Entry("change", $"MedicationStatement/{(await PostAsync(Statement(patient, atc, name, dosage))).Id}",
                        Statement(patient, atc, name, Dosages[random.Next(Dosages.Length)])));
                    break;
                default:
                    entries.Add(Entry("keep", $"MedicationStatement/{(await PostAsync(Statement(patient, atc, name, dosage))).Id}"));
                    break;
            }
        }

        using var doctor = await Host.ClientForAsync("haugen");
        var (list, _) = await ReconcileAsync(doctor, patient, Reconciliation("discharge", encounter, [PatientInterview], [.. entries]));
        var draft = await PostAsync(Draft(patient, encounter));

        var signed = await SignAsync(doctor, draft.Id);

        Assert.Equal(CompositionStatus.Final, signed.Status);
        var section = Assert.Single(signed.Section, s => s.Code?.Coding[0].Code == "10183-2");
        Assert.Equal($"List/{list.Id}/_history/1", Assert.Single(section.Entry).Reference);
        var stored = await (await Client.GetAsync($"List/{list.Id}/_history/1")).ExpectAsync<List>(HttpStatusCode.OK);
        Assert.Equal(count, stored.Entry.Count);
        Assert.Equal(HashOf(stored), HashOf(section));
        Assert.Equal(await HashFromRecordsAsync(stored), HashOf(section));
        foreach (var entry in stored.Entry)
        {
            Assert.Contains(System.Security.SecurityElement.Escape(entry.Item.Display), section.Text.Div, StringComparison.Ordinal);
        }

        var attester = Assert.Single(signed.Attester);
        Assert.Equal(Composition.CompositionAttestationMode.Legal, attester.Mode);
        Assert.Equal("9100101", attester.Party.Identifier.Value);
    }

    [Fact]
    public async Task A_discharge_summary_with_an_edited_medication_section_is_refused_on_every_path()
    {
        var (patient, encounter, _) = await ReconciledAtDischargeAsync();
        using var doctor = await Host.ClientForAsync("haugen");
        var signed = await SignAsync(doctor, (await PostAsync(Draft(patient, encounter))).Id);

        var editedText = (Composition)signed.DeepCopy();
        Medications(editedText).Text.Div = Medications(editedText).Text.Div.Replace("500 mg", "1000 mg", StringComparison.Ordinal);
        await AssertRefusedWithoutChangeAsync(() => doctor.PutAsync($"Composition/{signed.Id}", FhirClientExtensions.Json(editedText)), HttpStatusCode.UnprocessableEntity, "cannot be edited by hand");

        var editedHash = (Composition)signed.DeepCopy();
        Medications(editedHash).SetExtension(ExtensionBase + "medication-list-hash", new FhirString(new string('0', 64)));
        await AssertRefusedWithoutChangeAsync(() => doctor.PutAsync($"Composition/{signed.Id}", FhirClientExtensions.Json(editedHash)), HttpStatusCode.UnprocessableEntity, "hash");

        var withoutSection = (Composition)signed.DeepCopy();
        withoutSection.Section.RemoveAll(s => s.Code?.Coding[0].Code == "10183-2");
        await AssertRefusedWithoutChangeAsync(() => doctor.PutAsync($"Composition/{signed.Id}", FhirClientExtensions.Json(withoutSection)), HttpStatusCode.UnprocessableEntity, "exactly one medication section");

        var transaction = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry = [new Bundle.EntryComponent { Resource = editedText, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"Composition/{signed.Id}" } }],
        };
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(transaction)), HttpStatusCode.UnprocessableEntity, "cannot be edited by hand");

        // Nor can a final one be written directly with a section typed by hand.
        var handMade = Draft(patient, encounter);
        handMade.Status = CompositionStatus.Final;
        handMade.Section.Add(new Composition.SectionComponent
        {
            Title = "Legemidler ved utskrivning",
            Code = new CodeableConcept(Loinc, "10183-2"),
            Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Metformin 500 mg</div>" },
        });
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("Composition", FhirClientExtensions.Json(handMade)), HttpStatusCode.UnprocessableEntity, "current reconciled list");

        // Unchanged, it is accepted: the rule refuses edits, not saves.
        (await doctor.PutAsync($"Composition/{signed.Id}", FhirClientExtensions.Json(signed))).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// After a new reconciliation the earlier signed summary still says what was reconciled when it
    /// was signed (its hash is of that list version, now retired), but it no longer matches the
    /// current list: it cannot be saved again as it is, and signing it again makes it an amended
    /// summary of the new list.
    /// </summary>
    [Fact]
    public async Task After_a_new_reconciliation_the_older_summary_no_longer_matches_and_a_new_signing_uses_the_new_list()
    {
        var (patient, encounter, statement) = await ReconciledAtDischargeAsync();
        using var doctor = await Host.ClientForAsync("haugen");
        var first = await SignAsync(doctor, (await PostAsync(Draft(patient, encounter))).Id);
        var firstList = Medications(first).Entry[0].Reference;

        var (newer, _) = await ReconcileAsync(doctor, patient, Reconciliation("discharge", encounter, [PatientInterview],
            Entry("change", $"MedicationStatement/{statement}", Statement(patient, "A10BA02", "Metformin", "1000 mg morgen og kveld"))));

        var older = await (await Client.GetAsync($"Composition/{first.Id}")).ExpectAsync<Composition>(HttpStatusCode.OK);
        Assert.NotEqual(HashOf(newer), HashOf(Medications(older)));
        Assert.Equal(firstList, Medications(older).Entry[0].Reference);
        var retired = await (await Client.GetAsync(firstList)).ExpectAsync<List>(HttpStatusCode.OK);
        Assert.Equal(HashOf(retired), HashOf(Medications(older)));
        await AssertRefusedWithoutChangeAsync(() => doctor.PutAsync($"Composition/{first.Id}", FhirClientExtensions.Json(older)), HttpStatusCode.UnprocessableEntity, "current reconciled list");

        var again = await SignAsync(doctor, first.Id);
        Assert.Equal(CompositionStatus.Amended, again.Status);
        Assert.Equal($"List/{newer.Id}/_history/1", Medications(again).Entry[0].Reference);
        Assert.Equal(HashOf(newer), HashOf(Medications(again)));
        Assert.Contains("1000 mg morgen og kveld", Medications(again).Text.Div, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_without_a_discharge_reconciliation_is_refused_and_puts_the_reconciliation_on_the_ward_worklist()
    {
        var (patient, encounter) = await AdmittedPatientAsync();
        var statement = await PostAsync(Statement(patient, "A10BA02", "Metformin", "500 mg morgen og kveld"));
        using var doctor = await Host.ClientForAsync("haugen");
        var draft = await PostAsync(Draft(patient, encounter));

        var none = await (await doctor.PostAsync($"Composition/{draft.Id}/$sign", null)).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("reconciled at discharge", none.Issue[0].Diagnostics, StringComparison.Ordinal);

        // An admission reconciliation is not a discharge reconciliation.
        await ReconcileAsync(doctor, patient, Reconciliation("admission", encounter, [PatientInterview], Entry("keep", $"MedicationStatement/{statement.Id}")));
        await (await doctor.PostAsync($"Composition/{draft.Id}/$sign", null)).ExpectOutcomeAsync(HttpStatusCode.UnprocessableEntity);

        var tasks = await (await Client.GetAsync($"Task?code=https://samjournal.no/fhir/CodeSystem/task-code|medication-reconciliation&focus={encounter}"))
            .ExpectAsync<Bundle>(HttpStatusCode.OK);
        var task = Assert.Single(tasks.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Task>());
        Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.Requested, task.Status);
        Assert.Equal(await OrganisationAsync(MedicalWard), task.Owner.Reference);
        Assert.Equal("Patient/" + patient, task.For.Reference);
        var unsigned = await (await Client.GetAsync($"Composition/{draft.Id}")).ExpectAsync<Composition>(HttpStatusCode.OK);
        Assert.Equal(CompositionStatus.Preliminary, unsigned.Status);

        // The discharge reconciliation itself closes the work item, in its transaction.
        var (list, _) = await ReconcileAsync(doctor, patient, Reconciliation("discharge", encounter, [PatientInterview], Entry("keep", $"MedicationStatement/{statement.Id}")));
        var done = await (await Client.GetAsync($"Task/{task.Id}")).ExpectAsync<Hl7.Fhir.Model.Task>(HttpStatusCode.OK);
        Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.Completed, done.Status);
        Assert.Equal("List/" + list.Id, Assert.IsType<ResourceReference>(Assert.Single(done.Output).Value).Reference);
        Assert.Equal(CompositionStatus.Final, (await SignAsync(doctor, draft.Id)).Status);
    }

    [Fact]
    public async Task Signing_is_refused_for_other_documents_for_staff_without_a_care_relation_and_for_unknown_ids()
    {
        var (patient, encounter, _) = await ReconciledAtDischargeAsync();
        var draft = await PostAsync(Draft(patient, encounter));
        var note = Draft(patient, encounter);
        note.Type = new CodeableConcept(Loinc, "11506-3", "Progress note");
        note = await PostAsync(note);
        using var doctor = await Host.ClientForAsync("haugen");
        using var surgeon = await Host.ClientForAsync("berg");

        await AssertRefusedWithoutChangeAsync(() => doctor.PostAsync($"Composition/{note.Id}/$sign", null), HttpStatusCode.UnprocessableEntity, "discharge summaries");
        await AssertRefusedWithoutChangeAsync(() => surgeon.PostAsync($"Composition/{draft.Id}/$sign", null), HttpStatusCode.Forbidden);
        await AssertRefusedWithoutChangeAsync(() => doctor.PostAsync("Composition/does-not-exist/$sign", null), HttpStatusCode.NotFound);
    }

    private async Task<(string Patient, string Encounter, string Statement)> ReconciledAtDischargeAsync()
    {
        var (patient, encounter) = await AdmittedPatientAsync();
        var statement = await PostAsync(Statement(patient, "A10BA02", "Metformin", "500 mg morgen og kveld"));
        using var doctor = await Host.ClientForAsync("haugen");
        await ReconcileAsync(doctor, patient, Reconciliation("discharge", encounter, [PatientInterview], Entry("keep", $"MedicationStatement/{statement.Id}")));
        return (patient, encounter, statement.Id!);
    }

    private static async Task<Composition> SignAsync(HttpClient client, string id) =>
        await (await client.PostAsync($"Composition/{id}/$sign", null)).ExpectAsync<Composition>(HttpStatusCode.OK);

    private static Composition.SectionComponent Medications(Composition composition) =>
        composition.Section.Single(s => s.Code?.Coding[0].Code == "10183-2");

    private static Composition Draft(string patient, string encounter) => new()
    {
        Status = CompositionStatus.Preliminary,
        Type = new CodeableConcept(Loinc, "18842-5", "Discharge summary"),
        Subject = new ResourceReference("Patient/" + patient),
        Encounter = new ResourceReference(encounter),
        DateElement = new FhirDateTime(DateTimeOffset.UtcNow),
        Author = [new ResourceReference { Display = "Ingrid Haugen" }],
        Title = "Epikrise",
        Section =
        [
            new Composition.SectionComponent
            {
                Title = "Forløp",
                Text = new Narrative { Status = Narrative.NarrativeStatus.Additional, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Innlagt med dehydrering, behandlet med væske.</div>" },
            },
        ],
    };
}

public sealed class DischargeSummaryOnSqlite(SeededSqliteHost host) : DischargeSummaryBehaviour(host), IClassFixture<SeededSqliteHost>;

public sealed class DischargeSummaryOnPostgres(SeededPostgresHost host) : DischargeSummaryBehaviour(host), IClassFixture<SeededPostgresHost>;
