using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Clinical.Messaging;
using Samjournal.Clinical.WorkItems;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.MedicationList;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Tests.Messaging;

/// <summary>
/// A signed discharge summary goes by itself to the patient's GP and, when the patient receives
/// municipal care, to the municipal unit: in the same transaction as the signature, one message per
/// receiver, carrying the signed version. A receiver the directory cannot reach puts the failure on
/// the signer's queue; the signature stands.
/// </summary>
public abstract class SummaryDispatchBehaviour(SamjournalHost host) : MedicationListTestBase(host)
{
    private const string HomeCare = "310900303";

    [Fact]
    public async System.Threading.Tasks.Task A_signed_discharge_summary_goes_to_the_GP_and_to_municipal_care()
    {
        var gp = await OrganisationAsync(FjordvikLegekontor);
        var homeCare = await OrganisationAsync(HomeCare);
        var patient = NewPatient("Utskrevet");
        patient.GeneralPractitioner = [new ResourceReference(gp)];
        var (id, encounter) = await AdmittedPatientAsync(patient);
        await PostAsync(new Encounter
        {
            Status = Encounter.EncounterStatus.Finished,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "HH"),
            Subject = new ResourceReference("Patient/" + id),
            ServiceProvider = new ResourceReference(homeCare),
            Period = new Period { StartElement = new FhirDateTime(DateTimeOffset.UtcNow.AddDays(-40)), EndElement = new FhirDateTime(DateTimeOffset.UtcNow.AddDays(-5)) },
        });

        var signed = await SignedSummaryAsync(id, encounter);

        var messages = await MessagesAsync(id);
        Assert.Equal(2, messages.Count);
        Assert.Equal(new[] { gp, homeCare }.Order(), messages.Select(m => m.Recipient[0].Reference).Order());
        Assert.All(messages, m =>
        {
            Assert.Equal(DeliveryStates.Delivered, MessageRecords.State(m));
            Assert.Equal($"Composition/{signed.Id}/_history/{signed.Meta.VersionId}", ((ResourceReference)m.Payload[0].Content).Reference);
        });
        foreach (var message in messages)
        {
            var item = Assert.Single(await SearchAsync<FhirTask>($"Task?focus=Communication/{message.Id}"));
            Assert.Equal(WorkItemTypes.MessageToRead, WorkItemTasks.TypeOf(item));
            Assert.Equal(message.Recipient[0].Reference, item.Owner.Reference);
        }

        // The same signed version written again sends nothing new.
        await (await Client.PutAsync("Composition/" + signed.Id, FhirClientExtensions.Json(signed))).ExpectAsync<Composition>(HttpStatusCode.OK);
        Assert.Equal(2, (await MessagesAsync(id)).Count);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_GP_the_directory_cannot_reach_puts_the_summary_on_the_signer_s_queue()
    {
        var outside = await PostAsync(new Organization
        {
            Identifier = [new Identifier(OrganisationSystem, "399000045")],
            Name = "Legekontor uten adresse",
        });
        var patient = NewPatient("Uten fastlege");
        patient.GeneralPractitioner = [new ResourceReference("Organization/" + outside.Id)];
        var (id, encounter) = await AdmittedPatientAsync(patient);

        var signed = await SignedSummaryAsync(id, encounter);

        Assert.Equal(CompositionStatus.Final, signed.Status);
        Assert.Empty(await MessagesAsync(id));
        var failure = Assert.Single(await SearchAsync<FhirTask>($"Task?focus=Composition/{signed.Id}&code={WorkItemTypes.System}|{WorkItemTypes.MessageFailure}"));
        Assert.Contains("Legekontor uten adresse", failure.Description);
        Assert.Equal(await PractitionerAsync("9100101"), failure.Owner.Reference);
    }

    private async Task<Composition> SignedSummaryAsync(string patient, string encounter)
    {
        using var doctor = await Host.ClientForAsync("haugen");
        await ReconcileAsync(doctor, patient, Reconciliation("discharge", encounter, [PatientInterview]));
        var draft = await PostAsync(new Composition
        {
            Status = CompositionStatus.Preliminary,
            Type = new CodeableConcept("http://loinc.org", "18842-5", "Discharge summary"),
            Subject = new ResourceReference("Patient/" + patient),
            Encounter = new ResourceReference(encounter),
            DateElement = new FhirDateTime(DateTimeOffset.UtcNow),
            Author = [new ResourceReference { Display = "Ingrid Haugen" }],
            Title = "Epikrise",
        });
        return await (await doctor.PostAsync($"Composition/{draft.Id}/$sign", null)).ExpectAsync<Composition>(HttpStatusCode.OK);
    }

    private async Task<List<Communication>> MessagesAsync(string patient)
    {
        var bundle = await (await Client.GetAsync($"Communication?subject=Patient/{patient}&category={MessageTypes.System}|{MessageTypes.DischargeSummary}")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        return [.. bundle.Entry.Select(e => e.Resource).OfType<Communication>()];
    }

    private async Task<List<T>> SearchAsync<T>(string query)
        where T : Resource
    {
        var bundle = await (await Client.GetAsync(query)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        return [.. bundle.Entry.Select(e => e.Resource).OfType<T>()];
    }

    private async Task<string> PractitionerAsync(string hpr) => "Practitioner/" + await IdOfAsync($"Practitioner?identifier={HprSystem}|{hpr}");
}

public sealed class SummaryDispatchOnSqlite(MessagingSqliteHost host) : SummaryDispatchBehaviour(host), IClassFixture<MessagingSqliteHost>;

public sealed class SummaryDispatchOnPostgres(MessagingPostgresHost host) : SummaryDispatchBehaviour(host), IClassFixture<MessagingPostgresHost>;
