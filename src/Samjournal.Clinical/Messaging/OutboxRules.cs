using Hl7.Fhir.Model;
using Samjournal.Clinical.WorkItems;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Storage;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Clinical.Messaging;

/// <summary>
/// The outbox, as a rule inside the door. A Communication whose category is a message type is a
/// message to send, from any path (REST, a transaction with the referral it carries, a rule such as
/// the discharge summary's dispatch):
/// <list type="bullet">
/// <item>before it is stored, the address directory must know a way to the receiver for that type,
/// or the write fails with 422 and nothing is queued;</item>
/// <item>to a unit on this Samjournal it is delivered in the same transaction: a work item in the
/// unit's queue (a referral Task, or a message to read) and the state <c>delivered</c>;</item>
/// <item>to another system it is stored <c>queued</c> for <see cref="MessageDelivery"/>; a referral
/// also gets a tracking Task (code <c>fulfill</c>) that shows the referrer the receiver's answers;</item>
/// <item>only Samjournal's own workers move a message's delivery state, and a rejected, failed or
/// overdue message puts a <c>message-failure</c> work item on the sender's queue in the same
/// transaction as the state change.</item>
/// </list>
/// </summary>
internal sealed class OutboxRules(MessageDirectory directory, TimeProvider time, OutboxSignal signal, string fallbackUnit) : IWriteHook
{
    public const string TaskCodeSystem = "http://hl7.org/fhir/CodeSystem/task-code";
    public const string Fulfill = "fulfill";

    public async ValueTask BeforeWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct)
    {
        if (write.Method == VersionMethod.Delete || write.Resource is not Communication message || MessageRecords.TypeOf(message) is not { } type)
        {
            return;
        }

        var previous = write.Method == VersionMethod.Update ? await transaction.ReadAsync("Communication", write.Id, ct) as Communication : null;
        var internalWriter = MessageWorkers.IsWorker(transaction.Author);
        if (previous is not null && MessageRecords.Direction(previous) is not null)
        {
            if (!internalWriter && (MessageRecords.State(message) != MessageRecords.State(previous)
                || MessageRecords.Direction(message) != MessageRecords.Direction(previous)
                || MessageRecords.MessageId(message) != MessageRecords.MessageId(previous)))
            {
                throw FhirOperationException.Unprocessable(
                    "A message's delivery state, direction and message id are Samjournal's to set: they change only when the message is transmitted or the receiver answers.",
                    "Communication.meta.tag");
            }

            return;
        }

        if (internalWriter && MessageRecords.Direction(message) is not null)
        {
            // Written by the inbox or the delivery worker, which address what they write themselves.
            return;
        }

        if (MessageRecords.Direction(message) is not null || MessageRecords.State(message) is not null)
        {
            throw FhirOperationException.Unprocessable(
                "A new message is sent by writing it without a delivery state or direction: Samjournal sets those.", "Communication.meta.tag");
        }

        if (type == MessageTypes.Receipt)
        {
            throw FhirOperationException.Unprocessable("Receipts (applikasjonskvittering) are sent by Samjournal itself, for every message it receives.", "Communication.category");
        }

        await AddressAsync(message, type, transaction, ct);
    }

    public async ValueTask AfterWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct)
    {
        if (write.Method == VersionMethod.Delete || write.Resource is not Communication message
            || MessageRecords.TypeOf(message) is not { } type || MessageRecords.Direction(message) != MessageRecords.Outbound)
        {
            return;
        }

        var id = write.Id;
        switch (MessageRecords.State(message))
        {
            case DeliveryStates.Delivered when write.Method == VersionMethod.Create && MessageRecords.Channel(message) == MessageRecords.LocalChannel:
                await DeliverLocallyAsync(message, id, type, transaction, ct);
                break;
            case DeliveryStates.Queued when write.Method == VersionMethod.Create:
                if (type == MessageTypes.Referral)
                {
                    await TrackReferralAsync(message, id, transaction, ct);
                }

                signal.Notify();
                break;
            case DeliveryStates.Delivered:
                await MoveTrackingAsync(message, FhirTask.TaskStatus.Requested, FhirTask.TaskStatus.Received, "Henvisningen er mottatt (kvittert).", transaction, ct);
                break;
            case DeliveryStates.Rejected or DeliveryStates.Failed:
                await MoveTrackingAsync(message, null, FhirTask.TaskStatus.Failed,
                    "Henvisningen kom ikke fram: " + (MessageRecords.ReceiptText(message) ?? DeliveryStates.Display(MessageRecords.State(message)!)), transaction, ct);
                await RaiseFailureAsync(message, id, type, transaction, ct);
                break;
            case DeliveryStates.Transmitted when message.GetExtensionValue<FhirBoolean>(MessageRecords.ReceiptOverdueUrl)?.Value == true:
                await RaiseFailureAsync(message, id, type, transaction, ct);
                break;
        }
    }

    /// <summary>Finds the way to the receiver and stamps the message: id, direction, state, channel.</summary>
    private async System.Threading.Tasks.Task AddressAsync(Communication message, string type, IWriteTransaction transaction, CancellationToken ct)
    {
        if (!MessageTypes.Sendable.Contains(type) && type != MessageTypes.ReferralStatus)
        {
            throw FhirOperationException.Unprocessable($"'{type}' is not a message type one can send; these are: {string.Join(", ", MessageTypes.Sendable)}.", "Communication.category");
        }

        if (message.Recipient.Count != 1)
        {
            throw FhirOperationException.Unprocessable("A message goes to exactly one receiver (Communication.recipient): the organisation or unit that takes it.", "Communication.recipient");
        }

        if (WorkItemTasks.Literal(message.Subject)?.StartsWith("Patient/", StringComparison.Ordinal) != true)
        {
            throw FhirOperationException.Unprocessable("A message is about one patient: Communication.subject must reference a Patient.", "Communication.subject");
        }

        RequirePayload(message, type);
        var (address, why) = await directory.FindAsync(message.Recipient[0], type, (t, q, l, c) => transaction.SearchAsync(t, q, l, c), ct);
        if (address is null)
        {
            throw FhirOperationException.Unprocessable($"Not sent: {why}", "Communication.recipient");
        }

        if (type == MessageTypes.ReferralStatus && address.Channel == MessageRecords.LocalChannel)
        {
            throw FhirOperationException.Unprocessable("A referral on this Samjournal is answered on its Task, which the referrer sees; no message is needed.", "Communication.recipient");
        }

        var now = time.GetUtcNow();
        var people = new WorkItemDirectory((t, q, c) => transaction.SearchAsync(t, q, 5, c));
        if (transaction.Author is { } author)
        {
            if (message.Sender is null && author.HprNumber is { } hpr)
            {
                message.Sender = await people.PersonAsync(hpr, ct);
            }

            if (MessageRecords.SendingUnit(message) is null && (author.Unit ?? author.Organisation) is { } unitNumber)
            {
                message.SetExtension(MessageRecords.SendingUnitUrl, await people.UnitAsync(unitNumber, null, ct));
            }
        }

        if (MessageRecords.SendingUnit(message) is null)
        {
            // Sent by a system client: its failures need an owner all the same.
            message.SetExtension(MessageRecords.SendingUnitUrl, await people.UnitAsync(fallbackUnit, null, ct));
        }

        if (MessageRecords.MessageId(message) is null)
        {
            message.Identifier.Add(new Identifier(MessageRecords.MessageIdSystem, Guid.NewGuid().ToString()));
        }

        message.Recipient[0] = address.Receiver;
        MessageRecords.SetDirection(message, MessageRecords.Outbound);
        message.SetExtension(MessageRecords.QueuedAtUrl, new FhirDateTime(now));
        message.SetExtension(MessageRecords.ChannelUrl, new Code(address.Channel));
        if (address.Endpoint is { } endpoint)
        {
            message.SetExtension(MessageRecords.EndpointUrl, new FhirUrl(endpoint));
            message.SetExtension(MessageRecords.NextAttemptUrl, new FhirDateTime(now));
            MessageRecords.SetState(message, DeliveryStates.Queued);
        }
        else
        {
            // Same record, same transaction: the work item in the unit's queue is the delivery.
            message.SentElement = new FhirDateTime(now);
            message.ReceivedElement = new FhirDateTime(now);
            MessageRecords.SetState(message, DeliveryStates.Delivered);
        }
    }

    private static void RequirePayload(Communication message, string type)
    {
        var expected = type switch
        {
            MessageTypes.Referral => "ServiceRequest/",
            MessageTypes.DischargeSummary => "Composition/",
            MessageTypes.ReferralStatus => "Task/",
            _ => null,
        };
        if (expected is not null && !MessageRecords.PayloadReferences(message).Any(r => r.StartsWith(expected, StringComparison.Ordinal)))
        {
            throw FhirOperationException.Unprocessable(
                $"A {MessageTypes.Display(type)} ({type}) carries its {expected.TrimEnd('/')} as Communication.payload.contentReference.", "Communication.payload");
        }

        if (message.Payload.Count == 0)
        {
            throw FhirOperationException.Unprocessable("A message needs content: Communication.payload (text or a reference).", "Communication.payload");
        }
    }

    /// <summary>The receiving unit's work item: a referral to assess, or a message to read.</summary>
    private static async System.Threading.Tasks.Task DeliverLocallyAsync(Communication message, string id, string type, IWriteTransaction transaction, CancellationToken ct)
    {
        var from = message.Sender?.Display ?? MessageRecords.SendingUnit(message)?.Display;
        var task = new FhirTask
        {
            Status = FhirTask.TaskStatus.Requested,
            Intent = FhirTask.TaskIntent.Order,
            For = new ResourceReference(WorkItemTasks.Literal(message.Subject)),
            Owner = (ResourceReference)message.Recipient[0].DeepCopy(),
            Requester = message.Sender,
            AuthoredOnElement = message.GetExtensionValue<FhirDateTime>(MessageRecords.QueuedAtUrl),
        };
        if (type == MessageTypes.Referral)
        {
            task.Code = new CodeableConcept(WorkItemTypes.System, WorkItemTypes.Referral, WorkItemTypes.Display(WorkItemTypes.Referral));
            var referral = MessageRecords.PayloadReferences(message).First(r => r.StartsWith("ServiceRequest/", StringComparison.Ordinal));
            task.Focus = new ResourceReference(referral);
            task.Description = "Henvisning" + (from is null ? "" : " fra " + from);
            if (await transaction.ReadAsync("ServiceRequest", referral["ServiceRequest/".Length..], ct) is ServiceRequest request)
            {
                // The assessor sees what is asked for on the worklist, without opening the referral.
                task.Priority = request.Priority;
                task.Description += request.Code?.Text is { Length: > 0 } what ? ": " + what : "";
            }
        }
        else
        {
            task.Code = new CodeableConcept(WorkItemTypes.System, WorkItemTypes.MessageToRead, WorkItemTypes.Display(WorkItemTypes.MessageToRead));
            task.Focus = new ResourceReference("Communication/" + id);
            task.Description = MessageTypes.Display(type) + (from is null ? "" : " fra " + from);
        }

        task.Input.Add(new FhirTask.ParameterComponent { Type = new CodeableConcept(MessageRecords.MessageIdSystem, "message"), Value = new ResourceReference("Communication/" + id) });
        await transaction.CreateAsync(task, ct);
    }

    /// <summary>The referrer's view of a referral that went to another system: a Task the receiver's
    /// answers move through received, accepted, rejected and completed.</summary>
    private static async System.Threading.Tasks.Task TrackReferralAsync(Communication message, string id, IWriteTransaction transaction, CancellationToken ct)
    {
        var referral = MessageRecords.PayloadReferences(message).First(r => r.StartsWith("ServiceRequest/", StringComparison.Ordinal));
        var task = new FhirTask
        {
            Status = FhirTask.TaskStatus.Requested,
            Intent = FhirTask.TaskIntent.Order,
            Code = new CodeableConcept(TaskCodeSystem, Fulfill, "Fulfill the focal request"),
            Focus = new ResourceReference(referral),
            For = new ResourceReference(WorkItemTasks.Literal(message.Subject)),
            Requester = message.Sender,
            Owner = (ResourceReference)message.Recipient[0].DeepCopy(),
            Description = "Henvisning sendt til " + (message.Recipient[0].Display ?? message.Recipient[0].Identifier?.Value),
            AuthoredOnElement = message.GetExtensionValue<FhirDateTime>(MessageRecords.QueuedAtUrl),
        };
        task.Input.Add(new FhirTask.ParameterComponent { Type = new CodeableConcept(MessageRecords.MessageIdSystem, "message"), Value = new ResourceReference("Communication/" + id) });
        await transaction.CreateAsync(task, ct);
    }

    private static async System.Threading.Tasks.Task MoveTrackingAsync(Communication message, FhirTask.TaskStatus? from, FhirTask.TaskStatus to, string note, IWriteTransaction transaction, CancellationToken ct)
    {
        if (MessageRecords.TypeOf(message) != MessageTypes.Referral
            || MessageRecords.PayloadReferences(message).FirstOrDefault(r => r.StartsWith("ServiceRequest/", StringComparison.Ordinal)) is not { } referral)
        {
            return;
        }

        foreach (var task in (await transaction.SearchAsync("Task", $"focus={referral}&code={TaskCodeSystem}|{Fulfill}", 5, ct)).OfType<FhirTask>())
        {
            if ((from is null ? task.Status is FhirTask.TaskStatus.Requested or FhirTask.TaskStatus.Received : task.Status == from) && task.Status != to)
            {
                task.Status = to;
                task.Note.Add(new Annotation { Text = note, Author = new FhirString("Samjournal (meldinger)") });
                await transaction.UpdateAsync(task, ct);
            }
        }
    }

    /// <summary>A <c>message-failure</c> work item for the person who sent the message (on their unit's
    /// queue), once per message: it names what went wrong, so nobody believes it arrived.</summary>
    private async System.Threading.Tasks.Task RaiseFailureAsync(Communication message, string id, string type, IWriteTransaction transaction, CancellationToken ct)
    {
        var focus = "Communication/" + id;
        if ((await transaction.SearchAsync("Task", $"focus={focus}&code={WorkItemTypes.System}|{WorkItemTypes.MessageFailure}", 1, ct)).Count > 0)
        {
            return;
        }

        var state = MessageRecords.State(message)!;
        var receiver = message.Recipient.FirstOrDefault()?.Display ?? message.Recipient.FirstOrDefault()?.Identifier?.Value ?? "mottakeren";
        var why = state switch
        {
            DeliveryStates.Rejected => "avvist av mottaker: " + (MessageRecords.ReceiptText(message) ?? "ingen begrunnelse"),
            DeliveryStates.Failed => "kunne ikke overføres etter " + MessageRecords.Attempts(message) + " forsøk",
            _ => "ingen kvittering innen fristen",
        };
        var task = MessageFailures.New(focus, WorkItemTasks.Literal(message.Subject), message.Sender, MessageRecords.SendingUnit(message),
            $"{MessageTypes.Display(type)} til {receiver} er ikke levert: {why}.", time.GetUtcNow());
        await transaction.CreateAsync(task, ct);
    }
}
