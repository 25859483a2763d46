using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Access;
using Samjournal.Tests.Conformance;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.MedicationList;

/// <summary>
/// Legemiddelsamstemming: a reconciliation records who reconciled, when, against which sources and
/// the resulting list version, in one transaction; a patient always has exactly one current
/// reconciled list; bad input is refused with a 4xx that names the problem and writes nothing.
/// </summary>
public abstract class ReconciliationBehaviour(SamjournalHost host) : MedicationListTestBase(host)
{
    [Fact]
    public async Task A_reconciliation_records_who_when_which_sources_and_the_exact_list_version()
    {
        var (patient, encounter) = await AdmittedPatientAsync();
        var metformin = await PostAsync(Statement(patient, "A10BA02", "Metformin", "500 mg morgen og kveld"));
        var simvastatin = await PostAsync(Statement(patient, "C10AA01", "Simvastatin", "20 mg om kvelden"));
        using var doctor = await Host.ClientForAsync("haugen");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var changed = Statement(patient, "A10BA02", "Metformin", "1000 mg morgen og kveld");
        var (list, provenance) = await ReconcileAsync(doctor, patient, Reconciliation("admission", encounter, [PatientInterview, EResept, new ResourceReference($"MedicationStatement/{simvastatin.Id}")],
            Entry("change", $"MedicationStatement/{metformin.Id}", changed),
            Entry("stop", $"MedicationStatement/{simvastatin.Id}"),
            Entry("new", resource: Statement(patient, "B01AC06", "Acetylsalisylsyre", "75 mg daglig"))));

        // The list as stored: current snapshot, points at exact versions, says who and when.
        var stored = await (await Client.GetAsync($"List/{list.Id}")).ExpectAsync<List>(HttpStatusCode.OK);
        Assert.Equal(List.ListStatus.Current, stored.Status);
        Assert.Equal(ListMode.Snapshot, stored.Mode);
        Assert.Equal("admission", stored.GetExtensionValue<Code>(ExtensionBase + "reconciliation-occasion").Value);
        Assert.Equal(encounter, stored.Encounter.Reference);
        Assert.Equal("9100101", stored.Source.Identifier.Value);
        Assert.Equal(3, stored.Entry.Count);
        Assert.Contains(stored.Entry, e => e.Item.Reference == $"MedicationStatement/{metformin.Id}/_history/2");
        Assert.Contains(stored.Entry, e => e.Item.Reference == $"MedicationStatement/{simvastatin.Id}/_history/2");
        var stopped = await (await Client.GetAsync($"MedicationStatement/{simvastatin.Id}/_history/2")).ExpectAsync<MedicationStatement>(HttpStatusCode.OK);
        Assert.Equal(MedicationStatement.MedicationStatusCodes.Stopped, stopped.Status);
        var raised = await (await Client.GetAsync($"MedicationStatement/{metformin.Id}")).ExpectAsync<MedicationStatement>(HttpStatusCode.OK);
        Assert.Equal("1000 mg morgen og kveld", raised.Dosage[0].Text);
        Assert.Equal(await HashFromRecordsAsync(stored), HashOf(stored));

        // The Provenance: who (HPR), when, against what, which list version.
        var recorded = await (await Client.GetAsync($"Provenance/{provenance.Id}")).ExpectAsync<Provenance>(HttpStatusCode.OK);
        Assert.Equal($"List/{list.Id}/_history/1", Assert.Single(recorded.Target).Reference);
        var agent = Assert.Single(recorded.Agent);
        Assert.Equal("9100101", agent.Who.Identifier.Value);
        Assert.StartsWith("Practitioner/", agent.Who.Reference, StringComparison.Ordinal);
        Assert.Equal("medication-reconciliation", recorded.Activity.Coding[0].Code);
        Assert.InRange(recorded.Recorded!.Value, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.All(recorded.Entity, e => Assert.Equal(Provenance.ProvenanceEntityRole.Source, e.Role));
        Assert.Equal(["patient-interview", "e-resept"], recorded.Entity.Where(e => e.What.Identifier is not null).Select(e => e.What.Identifier.Value));
        Assert.Contains(recorded.Entity, e => e.What.Reference == $"MedicationStatement/{simvastatin.Id}");
    }

    [Fact]
    public async Task After_several_reconciliations_exactly_one_reconciled_list_is_current()
    {
        var (patient, encounter) = await AdmittedPatientAsync();
        var statement = await PostAsync(Statement(patient, "N02BE01", "Paracetamol", "1 g ved behov, maks 4 g per døgn"));
        using var doctor = await Host.ClientForAsync("haugen");
        var lists = new List<string>();
        foreach (var occasion in new[] { "admission", "transfer", "transfer", "discharge" })
        {
            var (list, _) = await ReconcileAsync(doctor, patient, Reconciliation(occasion, encounter, [PatientInterview], Entry("keep", $"MedicationStatement/{statement.Id}")));
            lists.Add(list.Id);
            var current = Assert.Single(await CurrentReconciledListsAsync(patient));
            Assert.Equal(list.Id, current.Id);
        }

        foreach (var older in lists.SkipLast(1))
        {
            var retired = await (await Client.GetAsync($"List/{older}")).ExpectAsync<List>(HttpStatusCode.OK);
            Assert.Equal(List.ListStatus.Retired, retired.Status);
        }

        // A retired list cannot be brought back: that would make two current lists.
        var first = await (await Client.GetAsync($"List/{lists[0]}")).ExpectAsync<List>(HttpStatusCode.OK);
        first.Status = List.ListStatus.Current;
        await AssertRefusedWithoutChangeAsync(() => Client.PutAsync($"List/{first.Id}", FhirClientExtensions.Json(first)), HttpStatusCode.UnprocessableEntity, "retired");
        Assert.Single(await CurrentReconciledListsAsync(patient));
    }

    /// <summary>Two clinicians reconciling the same patient at the same moment: each reconciliation is
    /// saved whole or refused with 409 (retry), and the patient still has exactly one current list.</summary>
    [Fact]
    public async Task Concurrent_reconciliations_of_one_patient_leave_exactly_one_current_list()
    {
        var (patient, encounter) = await AdmittedPatientAsync();
        var statement = await PostAsync(Statement(patient, "C07AB02", "Metoprolol", "50 mg daglig"));
        using var doctor = await Host.ClientForAsync("haugen");
        var body = Reconciliation("admission", encounter, [PatientInterview], Entry("keep", $"MedicationStatement/{statement.Id}"));

        // First with no list yet, then with one to retire.
        for (var round = 0; round < 2; round++)
        {
            var responses = await System.Threading.Tasks.Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
                doctor.PostAsync($"Patient/{patient}/$reconcile-medications", FhirClientExtensions.Json(body))));
            Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)r.StatusCode}"));
            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Created);
            Assert.Single(await CurrentReconciledListsAsync(patient));
        }
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_4xx_and_writes_nothing()
    {
        var (patient, encounter) = await AdmittedPatientAsync();
        var statement = await PostAsync(Statement(patient, "C07AB02", "Metoprolol", "50 mg daglig"));
        using var doctor = await Host.ClientForAsync("haugen");
        var keep = Entry("keep", $"MedicationStatement/{statement.Id}");
        var cases = new (Parameters Body, HttpStatusCode Status, string Says)[]
        {
            (Reconciliation("at-lunch", encounter, [PatientInterview], keep), HttpStatusCode.BadRequest, "not a reconciliation occasion"),
            (Reconciliation("admission", null, [PatientInterview], keep), HttpStatusCode.BadRequest, "'encounter' is required"),
            (Reconciliation("admission", encounter, [], keep), HttpStatusCode.BadRequest, "'source' is required"),
            (Reconciliation("admission", encounter, [new Coding("https://samjournal.no/fhir/CodeSystem/reconciliation-source", "rumour")], keep), HttpStatusCode.BadRequest, "not a known source"),
            (Reconciliation("admission", encounter, [PatientInterview], keep, Entry("new")), HttpStatusCode.BadRequest, "names no medication"),
            (Reconciliation("admission", encounter, [PatientInterview], keep, Entry("stop")), HttpStatusCode.BadRequest, "names no medication"),
            (Reconciliation("admission", encounter, [PatientInterview], keep, Entry("new", resource: new MedicationStatement { Status = MedicationStatement.MedicationStatusCodes.Active })), HttpStatusCode.BadRequest, "medication"),
            (Reconciliation("admission", encounter, [PatientInterview], keep, Entry("pause", $"MedicationStatement/{statement.Id}")), HttpStatusCode.BadRequest, "action"),
            (Reconciliation("admission", encounter, [PatientInterview], keep, Entry("stop", $"MedicationStatement/{statement.Id}")), HttpStatusCode.BadRequest, "more than once"),
            (Reconciliation("admission", "Encounter/does-not-exist", [PatientInterview], keep), HttpStatusCode.UnprocessableEntity, "does not exist"),
            (Reconciliation("admission", encounter, [PatientInterview], Entry("keep", "MedicationStatement/does-not-exist")), HttpStatusCode.UnprocessableEntity, "does not exist"),
            // Leaving out a medication the patient uses is how a wrong list starts.
            (Reconciliation("admission", encounter, [PatientInterview]), HttpStatusCode.UnprocessableEntity, "leaves out"),
        };

        foreach (var (body, status, says) in cases)
        {
            await AssertRefusedWithoutChangeAsync(() => doctor.PostAsync($"Patient/{patient}/$reconcile-medications", FhirClientExtensions.Json(body)), status, says);
        }

        await AssertRefusedWithoutChangeAsync(() => doctor.PostAsync($"Patient/{patient}/$reconcile-medications", FhirClientExtensions.Json(statement)), HttpStatusCode.BadRequest, "Parameters");
        Assert.Empty(await CurrentReconciledListsAsync(patient));
    }

    [Fact]
    public async Task Staff_without_a_care_relation_cannot_reconcile()
    {
        var (patient, encounter) = await AdmittedPatientAsync();
        var statement = await PostAsync(Statement(patient, "C07AB02", "Metoprolol", "50 mg daglig"));
        using var surgeon = await Host.ClientForAsync("berg");
        await AssertRefusedWithoutChangeAsync(
            () => surgeon.PostAsync($"Patient/{patient}/$reconcile-medications", FhirClientExtensions.Json(
                Reconciliation("admission", encounter, [PatientInterview], Entry("keep", $"MedicationStatement/{statement.Id}")))),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_reconciled_list_that_says_something_else_than_its_statements_is_refused_on_every_path()
    {
        var (patient, encounter) = await AdmittedPatientAsync();
        var statement = await PostAsync(Statement(patient, "C07AB02", "Metoprolol", "50 mg daglig"));
        using var doctor = await Host.ClientForAsync("haugen");
        var (list, _) = await ReconcileAsync(doctor, patient, Reconciliation("admission", encounter, [PatientInterview], Entry("keep", $"MedicationStatement/{statement.Id}")));

        // A copy whose snapshot says a different dose than the statement it points at.
        var forged = await (await Client.GetAsync($"List/{list.Id}")).ExpectAsync<List>(HttpStatusCode.OK);
        forged.Id = null;
        forged.Meta = null;
        var snapshot = forged.Entry[0].GetExtension(ExtensionBase + "reconciled-medication");
        snapshot.SetExtension("dosage", new FhirString("500 mg daglig"));
        forged.RemoveExtension(ExtensionBase + "medication-list-hash");
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("List", FhirClientExtensions.Json(forged)), HttpStatusCode.UnprocessableEntity, "differs from the MedicationStatement");

        var transaction = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry = [new Bundle.EntryComponent { Resource = forged, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "List" } }],
        };
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(transaction)), HttpStatusCode.UnprocessableEntity, "differs from the MedicationStatement");
        Assert.Equal(list.Id, Assert.Single(await CurrentReconciledListsAsync(patient)).Id);
    }
}

public sealed class ReconciliationOnSqlite(SeededSqliteHost host) : ReconciliationBehaviour(host), IClassFixture<SeededSqliteHost>;

public sealed class ReconciliationOnPostgres(SeededPostgresHost host) : ReconciliationBehaviour(host), IClassFixture<SeededPostgresHost>;
