using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Samjournal.Clinical.Messaging;
using Samjournal.Clinical.WorkItems;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Validation;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Tests.Messaging;

/// <summary>
/// Invariant 5 on the sending side: a message counts as sent only when its receipt comes back. A
/// receiver that cannot take the type is refused before anything is queued; a unit on this record
/// gets the message in its queue in the same transaction; a message to another system is retried
/// with backoff and, when it does not arrive (refused, given up, no receipt in time), lands on the
/// sender's queue; the day's reconciliation shows anything unaccounted for until it is handled.
/// </summary>
public abstract class OutboxBehaviour(SamjournalHost host, FakeTimeProvider time) : MessagingTestBase(host, time)
{
    [Fact]
    public async System.Threading.Tasks.Task A_receiver_that_cannot_take_the_type_is_refused_before_anything_is_queued()
    {
        var (patient, _) = await GpPatientAsync();
        var (physio, number) = await OutsideOrganisationAsync("Privat fysioterapeut");
        await RegisterEndpointAsync(physio, "http://127.0.0.1:1/fhir", MessageTypes.DialogueMessage);
        using var fossum = await Host.ClientForAsync("fossum");

        var refused = await SendReferralAsync(fossum, patient, physio);

        var outcome = await refused.ExpectAsync<OperationOutcome>(HttpStatusCode.UnprocessableEntity);
        var text = OutcomeAssert.Describe(outcome);
        Assert.Contains("Privat fysioterapeut", text);
        Assert.Contains(number, text);
        Assert.Contains("referral", text);
        Assert.Empty(await SearchAsync<ServiceRequest>("ServiceRequest?subject=Patient/" + patient));
        Assert.Empty(await SearchAsync<Communication>("Communication?subject=Patient/" + patient));
        Assert.Empty(await SearchAsync<FhirTask>("Task?patient=Patient/" + patient));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_referral_to_a_unit_on_this_record_is_in_its_queue_at_once_and_accepting_it_opens_the_record()
    {
        var (patient, _) = await GpPatientAsync();
        using var fossum = await Host.ClientForAsync("fossum");
        using var hagen = await Host.ClientForAsync("hagen");
        var homeCare = await OrganisationAsync(HomeCare);

        var (referral, message) = await SentAsync(await SendReferralAsync(fossum, patient, homeCare));

        var sent = await CommunicationAsync(message);
        Assert.Equal(DeliveryStates.Delivered, MessageRecords.State(sent));
        Assert.Equal(EventStatus.Completed, sent.Status);
        Assert.Equal(MessageRecords.LocalChannel, MessageRecords.Channel(sent));
        Assert.Equal(await PractitionerAsync(FossumHpr), sent.Sender.Reference);
        var item = Assert.Single(await SearchAsync<FhirTask>($"Task?focus={referral}&code={WorkItemTypes.System}|{WorkItemTypes.Referral}"));
        Assert.Equal(homeCare, item.Owner.Reference);
        Assert.NotNull(WorkItemTasks.Deadline(item));
        var worklist = await (await hagen.GetAsync("$my-work")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Contains(worklist.Entry, e => e.Resource.Id == item.Id);

        Assert.Equal(HttpStatusCode.Forbidden, (await hagen.GetAsync("Patient/" + patient)).StatusCode);
        await (await hagen.PostAsync($"Task/{item.Id}/$accept", null)).ExpectAsync<FhirTask>(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await hagen.GetAsync("Patient/" + patient)).StatusCode);
        Assert.Equal(FhirTask.TaskStatus.Accepted, (await TaskAsync(item.Id)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await hagen.PostAsync($"Task/{item.Id}/$accept", null)).StatusCode);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_referral_is_rejected_only_with_a_reason_and_the_referrer_sees_it()
    {
        var (patient, _) = await GpPatientAsync();
        using var fossum = await Host.ClientForAsync("fossum");
        using var hagen = await Host.ClientForAsync("hagen");
        var (referral, _) = await SentAsync(await SendReferralAsync(fossum, patient, await OrganisationAsync(HomeCare)));
        var item = Assert.Single(await SearchAsync<FhirTask>($"Task?focus={referral}"));

        var withoutReason = await hagen.PostAsync($"Task/{item.Id}/$reject", null);
        Assert.Equal(HttpStatusCode.BadRequest, withoutReason.StatusCode);
        Assert.Equal(FhirTask.TaskStatus.Requested, (await TaskAsync(item.Id)).Status);

        var reason = new Parameters();
        reason.Add("reason", new FhirString("Pasienten bor utenfor kommunen."));
        await (await hagen.PostAsync($"Task/{item.Id}/$reject", FhirClientExtensions.Json(reason))).ExpectAsync<FhirTask>(HttpStatusCode.OK);

        var seen = await (await fossum.GetAsync("Task/" + item.Id)).ExpectAsync<FhirTask>(HttpStatusCode.OK);
        Assert.Equal(FhirTask.TaskStatus.Rejected, seen.Status);
        Assert.Equal("Pasienten bor utenfor kommunen.", seen.StatusReason.Text);
        Assert.Equal(HttpStatusCode.Forbidden, (await hagen.GetAsync("Patient/" + patient)).StatusCode);
    }

    [Fact]
    public async System.Threading.Tasks.Task Only_Samjournal_moves_a_message_s_delivery_state()
    {
        var (patient, _) = await GpPatientAsync();
        var (clinic, _) = await OutsideOrganisationAsync("Privat spesialist");
        await RegisterEndpointAsync(clinic, "http://127.0.0.1:1/fhir", MessageTypes.DialogueMessage);
        using var fossum = await Host.ClientForAsync("fossum");
        var queued = await (await fossum.PostAsync("Communication", FhirClientExtensions.Json(
            Message(MessageTypes.DialogueMessage, patient, clinic, new FhirString("Spørsmål om videre oppfølging."))))).ExpectAsync<Communication>(HttpStatusCode.Created);
        Assert.Equal(DeliveryStates.Queued, MessageRecords.State(queued));

        var faked = (Communication)queued.DeepCopy();
        MessageRecords.SetState(faked, DeliveryStates.Delivered);
        var update = await fossum.PutAsync("Communication/" + queued.Id, FhirClientExtensions.Json(faked));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, update.StatusCode);
        Assert.Equal(DeliveryStates.Queued, MessageRecords.State(await CommunicationAsync(queued.Id)));

        var born = Message(MessageTypes.DialogueMessage, patient, clinic, new FhirString("Allerede levert?"));
        MessageRecords.SetState(born, DeliveryStates.Delivered);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await fossum.PostAsync("Communication", FhirClientExtensions.Json(born))).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await fossum.PostAsync("Communication", FhirClientExtensions.Json(
            Message(MessageTypes.Receipt, patient, clinic, new FhirString("Kvittering"))))).StatusCode);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_message_that_cannot_be_transmitted_is_retried_with_backoff_then_failed_onto_the_sender_s_queue()
    {
        var (patient, _) = await GpPatientAsync();
        var (clinic, number) = await OutsideOrganisationAsync("Privat spesialist, stengt");
        await RegisterEndpointAsync(clinic, "http://127.0.0.1:1/fhir", MessageTypes.DialogueMessage);
        using var fossum = await Host.ClientForAsync("fossum");
        var start = Time.GetUtcNow();
        var message = (await (await fossum.PostAsync("Communication", FhirClientExtensions.Json(
            Message(MessageTypes.DialogueMessage, patient, clinic, new FhirString("Henvendelse om time."))))).ExpectAsync<Communication>(HttpStatusCode.Created)).Id;

        await DeliverAsync();
        var once = await CommunicationAsync(message);
        Assert.Equal(DeliveryStates.Queued, MessageRecords.State(once));
        Assert.Equal(1, MessageRecords.Attempts(once));
        Assert.Equal(start + TimeSpan.FromSeconds(10), MessageRecords.NextAttempt(once));

        await DeliverAsync();
        Assert.Equal(1, MessageRecords.Attempts(await CommunicationAsync(message)));

        await MoveClockToAsync(start + TimeSpan.FromSeconds(10));
        await DeliverAsync();
        var twice = await CommunicationAsync(message);
        Assert.Equal(2, MessageRecords.Attempts(twice));
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(20), MessageRecords.NextAttempt(twice));
        Assert.Empty(await SearchAsync<FhirTask>($"Task?focus=Communication/{message}"));

        await MoveClockToAsync(start + TimeSpan.FromSeconds(30));
        await DeliverAsync();
        var failed = await CommunicationAsync(message);
        Assert.Equal(DeliveryStates.Failed, MessageRecords.State(failed));
        Assert.Equal(3, MessageRecords.Attempts(failed));
        var item = Assert.Single(await SearchAsync<FhirTask>($"Task?focus=Communication/{message}&code={WorkItemTypes.System}|{WorkItemTypes.MessageFailure}"));
        Assert.Equal(await PractitionerAsync(FossumHpr), item.Owner.Reference);
        Assert.Equal(FjordvikLegekontor, WorkItemTasks.Reference(item, WorkItemTasks.QueueUrl)?.Identifier?.Value);
        Assert.Contains("3 forsøk", item.Description);
        Assert.NotNull(WorkItemTasks.Deadline(item));

        // The history is the delivery log: one version per attempt after the first.
        var history = await (await Client.GetAsync($"Communication/{message}/_history")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(4, history.Entry.Count);

        // Unaccounted for in the day's reconciliation until the sender has handled it.
        var reconciliation = Host.Services.GetRequiredService<MessageReconciliation>();
        var day = DateOnly.FromDateTime(start.UtcDateTime);
        var reports = await reconciliation.RunOnceAsync(day, CancellationToken.None);
        var report = Assert.Single(reports, r => r.Organisation == FjordvikLegekontor);
        Assert.False(report.Balanced);
        Assert.Contains("Communication/" + message, report.Unaccounted);
        await reconciliation.RunOnceAsync(day, CancellationToken.None);
        var alarm = Assert.Single(await SearchAsync<FhirTask>($"Task?identifier={MessageReconciliation.AlarmSystem}|{FjordvikLegekontor}.{day:yyyyMMdd}"));
        Assert.Equal(WorkItemTypes.MessageFailure, WorkItemTasks.TypeOf(alarm));
        Assert.Equal(FjordvikLegekontor, WorkItemTasks.Reference(alarm, WorkItemTasks.QueueUrl)?.Identifier?.Value);

        foreach (var open in new[] { item, alarm })
        {
            await (await fossum.PostAsync($"Task/{open.Id}/$sign", null)).ExpectAsync<FhirTask>(HttpStatusCode.OK);
        }

        // Other tests in this class send from the same GP office the same day, so this one looks at its own message.
        var handled = await (await Client.GetAsync($"$message-reconciliation?organization={FjordvikLegekontor}&date={day:yyyy-MM-dd}")).ExpectAsync<Parameters>(HttpStatusCode.OK);
        var unaccounted = handled.Parameter.Single(p => p.Name == "unaccounted");
        Assert.DoesNotContain(unaccounted.Part, p => (p.Value as ResourceReference)?.Reference == "Communication/" + message);
        Assert.Equal(handled.GetSingleValue<Integer>("created")!.Value,
            handled.GetSingleValue<Integer>("delivered")!.Value + handled.GetSingleValue<Integer>("rejectedHandled")!.Value
            + handled.GetSingleValue<Integer>("inFlight")!.Value + ((Integer)unaccounted.Value).Value);
        Assert.Equal(unaccounted.Part.Count == 0, handled.GetSingleValue<FhirBoolean>("balanced")!.Value);
        Assert.Equal(number, failed.Recipient[0].Identifier.Value);
    }

    [Fact]
    public async System.Threading.Tasks.Task An_endpoint_that_refuses_a_message_for_good_makes_it_rejected_on_the_sender_s_queue_without_retries()
    {
        using var receiver = new FakeReceiver { Status = HttpStatusCode.UnprocessableEntity };
        var (patient, _) = await GpPatientAsync();
        var (clinic, _) = await OutsideOrganisationAsync("Spesialist som avviser");
        await RegisterEndpointAsync(clinic, receiver.Address, MessageTypes.DialogueMessage);
        using var fossum = await Host.ClientForAsync("fossum");
        var message = (await (await fossum.PostAsync("Communication", FhirClientExtensions.Json(
            Message(MessageTypes.DialogueMessage, patient, clinic, new FhirString("Spørsmål om time."))))).ExpectAsync<Communication>(HttpStatusCode.Created)).Id;

        await DeliverAsync();
        await DeliverAsync();

        var rejected = await CommunicationAsync(message);
        Assert.Equal(DeliveryStates.Rejected, MessageRecords.State(rejected));
        Assert.Equal(1, MessageRecords.Attempts(rejected));
        Assert.Single(receiver.Received);
        Assert.Contains("Mottatt i testmottaker", MessageRecords.ReceiptText(rejected));
        var item = Assert.Single(await SearchAsync<FhirTask>($"Task?focus=Communication/{message}&code={WorkItemTypes.System}|{WorkItemTypes.MessageFailure}"));
        Assert.Equal(await PractitionerAsync(FossumHpr), item.Owner.Reference);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_transmitted_message_without_a_receipt_in_time_goes_on_the_sender_s_queue_and_a_late_receipt_still_counts()
    {
        using var receiver = new FakeReceiver();
        var (patient, _) = await GpPatientAsync();
        var (clinic, number) = await OutsideOrganisationAsync("Spesialistpraksis med eget system");
        await RegisterEndpointAsync(clinic, receiver.Address, MessageTypes.DialogueMessage);
        using var fossum = await Host.ClientForAsync("fossum");
        var start = Time.GetUtcNow();
        var message = (await (await fossum.PostAsync("Communication", FhirClientExtensions.Json(
            Message(MessageTypes.DialogueMessage, patient, clinic, new FhirString("Vennligst vurder pasienten."))))).ExpectAsync<Communication>(HttpStatusCode.Created));

        await DeliverAsync();
        var transmitted = await CommunicationAsync(message.Id);
        Assert.Equal(DeliveryStates.Transmitted, MessageRecords.State(transmitted));
        var (path, authorization, wire) = Assert.Single(receiver.Received);
        Assert.Equal("/fhir/$process-message", path);
        Assert.Null(authorization);
        Assert.Equal(Bundle.BundleType.Message, wire.Type);
        var header = Assert.IsType<MessageHeader>(wire.Entry[0].Resource);
        Assert.Equal(MessageRecords.MessageId(message), header.Id);
        Assert.Equal(number, header.Destination[0].Receiver.Identifier.Value);
        Assert.Equal(FjordvikLegekontor, header.Sender.Identifier.Value);
        Assert.Contains(wire.Entry, e => e.Resource is Patient);

        await MoveClockToAsync(start + TimeSpan.FromMinutes(31));
        await DeliverAsync();
        var overdue = await CommunicationAsync(message.Id);
        Assert.Equal(DeliveryStates.Transmitted, MessageRecords.State(overdue));
        var item = Assert.Single(await SearchAsync<FhirTask>($"Task?focus=Communication/{message.Id}&code={WorkItemTypes.System}|{WorkItemTypes.MessageFailure}"));
        Assert.Contains("ingen kvittering", item.Description);
        await DeliverAsync();
        Assert.Single(await SearchAsync<FhirTask>($"Task?focus=Communication/{message.Id}"));

        // The receipt comes after all: the message is delivered.
        var receipt = new Bundle
        {
            Type = Bundle.BundleType.Message,
            Entry =
            [
                new()
                {
                    Resource = new MessageHeader
                    {
                        Id = Guid.NewGuid().ToString(),
                        Event = new Coding(MessageTypes.System, MessageTypes.Receipt),
                        Source = new MessageHeader.MessageSourceComponent { Endpoint = receiver.Address },
                        Sender = new ResourceReference { Identifier = new Identifier(OrganisationSystem, number) },
                        Response = new MessageHeader.ResponseComponent { Identifier = MessageRecords.MessageId(message), Code = MessageHeader.ResponseType.Ok },
                    },
                },
            ],
        };
        await (await Client.PostAsync("$process-message", FhirClientExtensions.Json(receipt))).ExpectAsync<OperationOutcome>(HttpStatusCode.OK);
        var delivered = await CommunicationAsync(message.Id);
        Assert.Equal(DeliveryStates.Delivered, MessageRecords.State(delivered));
        Assert.Equal(EventStatus.Completed, delivered.Status);

        // A second copy of the receipt changes nothing.
        await (await Client.PostAsync("$process-message", FhirClientExtensions.Json(receipt))).ExpectAsync<OperationOutcome>(HttpStatusCode.OK);
        Assert.Equal(delivered.Meta.VersionId, (await CommunicationAsync(message.Id)).Meta.VersionId);
    }
}

public sealed class OutboxOnSqlite(MessagingSqliteHost host) : OutboxBehaviour(host, host.Time), IClassFixture<MessagingSqliteHost>;

public sealed class OutboxOnPostgres(MessagingPostgresHost host) : OutboxBehaviour(host, host.Time), IClassFixture<MessagingPostgresHost>;
