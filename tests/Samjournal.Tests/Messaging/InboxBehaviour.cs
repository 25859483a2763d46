using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Samjournal.Clinical.Identifiers;
using Samjournal.Clinical.Messaging;
using Samjournal.Clinical.WorkItems;
using Samjournal.Tests.Infrastructure;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Tests.Messaging;

/// <summary>
/// Invariant 5 on the receiving side: an inbound message is taken once however often it comes, lands
/// in exactly one owned queue, and gets a receipt (AppRec) back; what cannot be taken is answered with
/// an error receipt naming why; what is not a message from a known sender changes nothing.
/// </summary>
public abstract class InboxBehaviour(SamjournalHost host, FakeTimeProvider time) : MessagingTestBase(host, time)
{
    [Fact]
    public async System.Threading.Tasks.Task An_inbound_referral_is_taken_once_lands_in_one_queue_and_is_answered()
    {
        using var sender = new FakeReceiver();
        var (hospital, number) = await OutsideOrganisationAsync("Sykehuset utenfor");
        await RegisterEndpointAsync(hospital, sender.Address, MessageTypes.Referral);
        var fnr = NewFnr();
        var id = Guid.NewGuid().ToString();
        var message = InboundReferral(id, number, HomeCare, fnr);

        var first = await (await Client.PostAsync("$process-message", FhirClientExtensions.Json(message))).ExpectAsync<OperationOutcome>(HttpStatusCode.Accepted);
        var again = await (await Client.PostAsync("$process-message", FhirClientExtensions.Json(message))).ExpectAsync<OperationOutcome>(HttpStatusCode.Accepted);

        Assert.Contains("taken in before", again.Issue[0].Diagnostics);
        var patient = Assert.Single(await SearchAsync<Patient>($"Patient?identifier={NorwegianSystems.Fodselsnummer}|{fnr}"));
        var referral = Assert.Single(await SearchAsync<ServiceRequest>("ServiceRequest?subject=Patient/" + patient.Id));
        Assert.Equal("Sårstell etter operasjon", referral.Code.Text);
        var item = Assert.Single(await SearchAsync<FhirTask>("Task?patient=Patient/" + patient.Id));
        Assert.Equal(WorkItemTypes.Referral, WorkItemTasks.TypeOf(item));
        Assert.EndsWith(": Sårstell etter operasjon", item.Description, StringComparison.Ordinal);
        Assert.Equal(HomeCare, WorkItemTasks.Reference(item, WorkItemTasks.QueueUrl)?.Identifier?.Value);
        Assert.Equal("ServiceRequest/" + referral.Id, item.Focus.Reference);
        var inbound = Assert.Single(await SearchAsync<Communication>($"Communication?identifier={MessageRecords.MessageIdSystem}|{id}"));
        Assert.Equal(MessageRecords.Inbound, MessageRecords.Direction(inbound));

        await DeliverAsync();
        var receipts = sender.Received.Select(r => r.Message).ToList();
        Assert.Equal(2, receipts.Count);
        foreach (var receipt in receipts)
        {
            var header = Assert.IsType<MessageHeader>(receipt.Entry[0].Resource);
            Assert.Equal(MessageTypes.Receipt, header.Event is Coding c ? c.Code : null);
            Assert.Equal(id, header.Response.Identifier);
            Assert.Equal(AppRec.Ok, header.GetExtensionValue<Coding>(MessageBundles.AppRecStatusUrl).Code);
            Assert.Equal(number, header.Destination[0].Receiver.Identifier.Value);
        }

        // Accepting it tells the referrer, through the outbox.
        using var hagen = await Host.ClientForAsync("hagen");
        await (await hagen.PostAsync($"Task/{item.Id}/$accept", null)).ExpectAsync<FhirTask>(HttpStatusCode.OK);
        await DeliverAsync();
        var answer = Assert.Single(sender.Received.Select(r => r.Message), m => ((MessageHeader)m.Entry[0].Resource).Event is Coding { Code: MessageTypes.ReferralStatus });
        Assert.Equal(id, ((MessageHeader)answer.Entry[0].Resource).Response.Identifier);
        Assert.Equal(FhirTask.TaskStatus.Accepted, Assert.Single(answer.Entry.Select(e => e.Resource).OfType<FhirTask>()).Status);
        Assert.Contains("taken in", first.Issue[0].Diagnostics);
    }

    [Theory]
    [InlineData("patient", "E35")]
    [InlineData("receiver", "E21")]
    public async System.Threading.Tasks.Task A_message_that_cannot_be_taken_is_recorded_and_answered_with_an_error_receipt(string fault, string code)
    {
        using var sender = new FakeReceiver();
        var (hospital, number) = await OutsideOrganisationAsync("Sykehuset utenfor");
        await RegisterEndpointAsync(hospital, sender.Address, MessageTypes.Referral);
        var fnr = fault == "patient" ? "12345678901" : NewFnr();
        var id = Guid.NewGuid().ToString();

        await (await Client.PostAsync("$process-message", FhirClientExtensions.Json(
            InboundReferral(id, number, fault == "receiver" ? "399999990" : HomeCare, fnr)))).ExpectAsync<OperationOutcome>(HttpStatusCode.Accepted);

        Assert.Empty(await SearchAsync<Patient>($"Patient?identifier={NorwegianSystems.Fodselsnummer}|{fnr}"));
        var inbound = Assert.Single(await SearchAsync<Communication>($"Communication?identifier={MessageRecords.MessageIdSystem}|{id}"));
        Assert.DoesNotContain(inbound.Payload, p => p.Content is ResourceReference);
        Assert.Empty(await SearchAsync<FhirTask>($"Task?focus=Communication/{inbound.Id}"));
        await DeliverAsync();
        var receipt = Assert.Single(sender.Received).Message;
        var header = (MessageHeader)receipt.Entry[0].Resource;
        Assert.Equal(AppRec.Rejected, header.GetExtensionValue<Coding>(MessageBundles.AppRecStatusUrl).Code);
        Assert.Equal(MessageHeader.ResponseType.FatalError, header.Response.Code);
        var outcome = Assert.Single(receipt.Entry.Select(e => e.Resource).OfType<OperationOutcome>());
        Assert.Equal(code, outcome.Issue[0].Details.Coding[0].Code);
    }

    [Fact]
    public async System.Threading.Tasks.Task What_is_not_a_message_from_a_known_sender_is_refused_and_changes_nothing()
    {
        var (_, unknownNumber) = await OutsideOrganisationAsync("Ukjent avsender");
        var id = Guid.NewGuid().ToString();
        var fromUnknown = await Client.PostAsync("$process-message", FhirClientExtensions.Json(InboundReferral(id, unknownNumber, HomeCare, NewFnr())));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, fromUnknown.StatusCode);
        Assert.Empty(await SearchAsync<Communication>($"Communication?identifier={MessageRecords.MessageIdSystem}|{id}"));

        var notAMessage = await Client.PostAsync("$process-message", FhirClientExtensions.Json(new Bundle { Type = Bundle.BundleType.Collection }));
        Assert.Equal(HttpStatusCode.BadRequest, notAMessage.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PostAsync("$process-message", FhirClientExtensions.Json(new Patient()))).StatusCode);

        using var fossum = await Host.ClientForAsync("fossum");
        Assert.Equal(HttpStatusCode.Forbidden, (await fossum.PostAsync("$process-message", FhirClientExtensions.Json(InboundReferral(id, unknownNumber, HomeCare, NewFnr())))).StatusCode);
    }

    private static string NewFnr() =>
        new SyntheticIdentityGenerator(Random.Shared.Next()).NextFodselsnummer(new DateOnly(1940 + Random.Shared.Next(50), 1 + Random.Shared.Next(12), 1 + Random.Shared.Next(28)), AdministrativeGender.Female);

    /// <summary>A referral as another system sends it: patient by fødselsnummer, sender and receiver by organisation number.</summary>
    private static Bundle InboundReferral(string id, string sender, string receiver, string fnr) => new()
    {
        Type = Bundle.BundleType.Message,
        Identifier = new Identifier(MessageRecords.MessageIdSystem, id),
        Entry =
        [
            new()
            {
                FullUrl = "https://sykehus.invalid/fhir/MessageHeader/" + id,
                Resource = new MessageHeader
                {
                    Id = id,
                    Event = new Coding(MessageTypes.System, MessageTypes.Referral),
                    Source = new MessageHeader.MessageSourceComponent { Endpoint = "https://sykehus.invalid/fhir" },
                    Sender = new ResourceReference { Identifier = new Identifier(NorwegianSystems.Organisasjonsnummer, sender), Display = "Sykehuset utenfor" },
                    Destination = [new MessageHeader.MessageDestinationComponent { Endpoint = "urn:test", Receiver = new ResourceReference { Identifier = new Identifier(NorwegianSystems.Organisasjonsnummer, receiver) } }],
                },
            },
            new()
            {
                FullUrl = "https://sykehus.invalid/fhir/Communication/c1",
                Resource = new Communication
                {
                    Id = "c1",
                    Status = EventStatus.InProgress,
                    Category = [new CodeableConcept(MessageTypes.System, MessageTypes.Referral)],
                    Subject = new ResourceReference("Patient/p1"),
                    Sender = new ResourceReference { Display = "Dr. Utenfor" },
                    Payload = [new Communication.PayloadComponent { Content = new ResourceReference("ServiceRequest/s1") }],
                },
            },
            new()
            {
                FullUrl = "https://sykehus.invalid/fhir/Patient/p1",
                Resource = new Patient
                {
                    Id = "p1",
                    Identifier = [new Identifier(NorwegianSystems.Fodselsnummer, fnr)],
                    Name = [new HumanName { Family = "Innkommen", Given = ["Berit"] }],
                    Gender = AdministrativeGender.Female,
                },
            },
            new()
            {
                FullUrl = "https://sykehus.invalid/fhir/ServiceRequest/s1",
                Resource = new ServiceRequest
                {
                    Id = "s1",
                    Status = RequestStatus.Active,
                    Intent = RequestIntent.Order,
                    Subject = new ResourceReference("Patient/p1"),
                    Code = new CodeableConcept { Text = "Sårstell etter operasjon" },
                    ReasonCode = [new CodeableConcept { Text = "Operert for hoftebrudd" }],
                },
            },
        ],
    };
}

public sealed class InboxOnSqlite(MessagingSqliteHost host) : InboxBehaviour(host, host.Time), IClassFixture<MessagingSqliteHost>;

public sealed class InboxOnPostgres(MessagingPostgresHost host) : InboxBehaviour(host, host.Time), IClassFixture<MessagingPostgresHost>;
