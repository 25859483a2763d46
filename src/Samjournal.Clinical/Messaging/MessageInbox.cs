using System.Globalization;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;
using Samjournal.Access.Repository;
using Samjournal.Clinical.Identifiers;
using Samjournal.Clinical.WorkItems;
using Samjournal.Fhir.Serialization;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Clinical.Messaging;

/// <summary>What the inbox answers the sending system: 202 for a message taken in (its receipt follows
/// as its own message), 200 for a receipt or referral answer processed.</summary>
public sealed record InboxAnswer(int Status, string Text);

/// <summary>
/// Takes messages in (<c>$process-message</c>). A clinical message is taken exactly once, however
/// often it arrives: in one transaction its content is stored (a referral as a ServiceRequest, a
/// discharge summary as a DocumentReference holding the signed Composition), it lands in exactly one
/// owned queue (a referral Task, or a message to read, at the addressed unit), and its receipt
/// (AppRec) is queued back to the sender. A message the unit cannot take, or about a patient without a
/// valid national identity number, is recorded and answered with an error receipt, so the sender's
/// queue gets it. A duplicate is answered with the same receipt again and creates nothing.
/// Receipts and referral answers move the sender's own message and tracking Task.
/// </summary>
public sealed partial class MessageInbox(RecordAccess records, MessageDirectory directory, WorkItemRoutes routes, TimeProvider time, OutboxSignal signal, ILogger<MessageInbox> logger)
{
    /// <summary>On a referral taken in: the message it came with (valueIdentifier, message id) and the
    /// sending organisation (valueIdentifier, organisation number), where its answers go.</summary>
    public const string OriginMessageUrl = "https://samjournal.no/fhir/StructureDefinition/message-origin";
    public const string OriginSenderUrl = "https://samjournal.no/fhir/StructureDefinition/message-origin-sender";

    // One message at a time per process: the duplicate check and the write must not interleave.
    private readonly SemaphoreSlim _one = new(1, 1);

    public async Task<InboxAnswer> ReceiveAsync(Resource body, CancellationToken ct)
    {
        var envelope = MessageBundles.Open(body);
        await _one.WaitAsync(ct);
        try
        {
            var repo = records.For(Caller.SystemInternal(MessageWorkers.Inbox));
            var sender = new ResourceReference { Identifier = new Identifier(NorwegianSystems.Organisasjonsnummer, envelope.SenderNumber), Display = envelope.SenderName };
            var (back, why) = await directory.FindAsync(sender, MessageTypes.Receipt, Search(repo), ct);
            if (back is null || back.Channel != MessageRecords.FhirMessagingChannel)
            {
                throw FhirError.Unprocessable($"Message {envelope.MessageId} refused: its sender is not in this address directory, so no receipt can go back. {why}", "MessageHeader.sender");
            }

            return envelope.Type switch
            {
                MessageTypes.Receipt => await TakeReceiptAsync(repo, envelope, ct),
                MessageTypes.ReferralStatus => await TakeReferralAnswerAsync(repo, envelope, ct),
                _ => await TakeMessageAsync(repo, envelope, back, ct),
            };
        }
        finally
        {
            _one.Release();
        }
    }

    private static MessageDirectory.Search Search(ScopedRepository repo) => (t, q, l, c) => repo.FindAsync(t, q, l, c);

    private async Task<InboxAnswer> TakeMessageAsync(ScopedRepository repo, InboundEnvelope envelope, MessageAddress back, CancellationToken ct)
    {
        var earlier = (await repo.FindAsync("Communication",
            $"identifier={MessageRecords.MessageIdSystem}|{envelope.MessageId}&_tag={MessageRecords.DirectionSystem}|{MessageRecords.Inbound}", 1, ct)).OfType<Communication>().FirstOrDefault();
        if (earlier is not null)
        {
            // Taken before: the same answer again, nothing new (the sender did not get our receipt, or sent twice).
            var given = earlier.GetExtension(MessageRecords.ReceiptUrl);
            var again = new Bundle { Type = Bundle.BundleType.Transaction };
            Add(again, "urn:uuid:" + Guid.NewGuid(), Receipt(envelope, back,
                given?.GetExtensionValue<Coding>("status")?.Code ?? AppRec.Ok,
                given?.Extension.Where(e => e.Url == "error").Select(e => e.Value).OfType<Coding>().ToList() ?? [],
                given?.GetExtensionValue<FhirString>("text")?.Value, earlier.Subject, "Communication/" + earlier.Id, earlier.Recipient.FirstOrDefault(), time.GetUtcNow()));
            await repo.ProcessBundleAsync(again, "urn:samjournal", false, ct);
            signal.Notify();
            LogDuplicate(logger, envelope.Type);
            return new InboxAnswer(202, $"Message {envelope.MessageId} was taken in before; nothing new was created and its receipt is sent again.");
        }

        var now = time.GetUtcNow();
        var carried = envelope.First<Communication>();
        var patientIn = envelope.Find<Patient>(carried?.Subject?.Reference) ?? envelope.First<Patient>();
        var nationalId = patientIn?.Identifier.FirstOrDefault(i => i.System is NorwegianSystems.Fodselsnummer or NorwegianSystems.DNummer && NorwegianIdentity.IsValid(i.Value));
        var unitRoute = envelope.ReceiverNumber is { } number ? routes.Find(MessageDirectory.LocalWorkType(envelope.Type), number) : null;
        var referral = envelope.Type == MessageTypes.Referral ? envelope.First<ServiceRequest>() : null;
        var summary = envelope.Type == MessageTypes.DischargeSummary ? envelope.First<Composition>() : null;

        (string Code, string Display, string Text)? refusal =
            unitRoute is null ? (AppRec.UnknownReceiver, "Mottaker finnes ikke", $"Enheten {envelope.ReceiverNumber ?? "(ingen)"} tar ikke imot {MessageTypes.Display(envelope.Type).ToLowerInvariant()} her.")
            : nationalId is null ? (AppRec.UnknownPatient, "Pasienten finnes ikke", "Meldingen mangler pasient med gyldig fødselsnummer eller D-nummer.")
            : envelope.Type == MessageTypes.Referral && referral is null ? (AppRec.InvalidMessage, "Ugyldig melding", "Henvisningen mangler ServiceRequest.")
            : envelope.Type == MessageTypes.DischargeSummary && summary is null ? (AppRec.InvalidMessage, "Ugyldig melding", "Epikrisen mangler Composition.")
            : null;

        var unit = envelope.ReceiverNumber is { } receiverNumber
            ? await new WorkItemDirectory((t, q, c) => repo.FindAsync(t, q, 5, c)).UnitAsync(receiverNumber, unitRoute?.UnitName, ct)
            : null;
        var transaction = new Bundle { Type = Bundle.BundleType.Transaction };
        ResourceReference? patient = null;
        if (nationalId is not null)
        {
            var known = (await repo.FindAsync("Patient", $"identifier={nationalId.System}|{nationalId.Value}", 1, ct)).FirstOrDefault();
            if (known is not null)
            {
                patient = new ResourceReference("Patient/" + known.Id);
            }
            else if (refusal is null)
            {
                patient = new ResourceReference("urn:uuid:" + Guid.NewGuid());
                Add(transaction, patient.Reference!, NewPatient(patientIn!), $"identifier={nationalId.System}|{nationalId.Value}");
            }
        }

        var inbound = new Communication
        {
            Identifier = [new Identifier(MessageRecords.MessageIdSystem, envelope.MessageId)],
            Category = [new CodeableConcept(MessageTypes.System, envelope.Type, MessageTypes.Display(envelope.Type))],
            Subject = patient,
            Sender = new ResourceReference { Identifier = new Identifier(NorwegianSystems.Organisasjonsnummer, envelope.SenderNumber), Display = envelope.SenderName ?? carried?.Sender?.Display },
            Recipient = unit is null ? [] : [unit],
            SentElement = carried?.SentElement,
            ReceivedElement = new FhirDateTime(now),
            Topic = carried?.Topic,
        };
        MessageRecords.SetDirection(inbound, MessageRecords.Inbound);
        MessageRecords.SetState(inbound, DeliveryStates.Received);
        if (carried?.Sender?.Display is { } author)
        {
            inbound.Note.Add(new Annotation { Text = "Avsender: " + author });
        }

        var messageRef = "urn:uuid:" + Guid.NewGuid();
        FhirTask? work = null;
        if (refusal is null)
        {
            var content = Content(envelope, referral, summary, patient!, unit!);
            if (content is not null)
            {
                var contentRef = "urn:uuid:" + Guid.NewGuid();
                Add(transaction, contentRef, content);
                inbound.Payload.Add(new Communication.PayloadComponent { Content = new ResourceReference(contentRef) });
                work = WorkItem(envelope, patient!, unit!, contentRef, referral, inbound.Sender);
            }
            else
            {
                work = WorkItem(envelope, patient!, unit!, messageRef, null, inbound.Sender);
            }
        }

        foreach (var text in carried?.Payload.Select(p => p.Content).OfType<FhirString>() ?? [])
        {
            inbound.Payload.Add(new Communication.PayloadComponent { Content = (FhirString)text.DeepCopy() });
        }

        var (status, errors, receiptText) = refusal is { } r
            ? (AppRec.Rejected, new List<Coding> { new(AppRec.ErrorSystem, r.Code, r.Display) }, r.Text)
            : (AppRec.Ok, new List<Coding>(), "Mottatt i køen til " + (unit?.Display ?? envelope.ReceiverNumber) + ".");
        MessageRecords.SetReceipt(inbound, status, errors, receiptText, now);
        Add(transaction, messageRef, inbound);
        if (work is not null)
        {
            Add(transaction, "urn:uuid:" + Guid.NewGuid(), work);
        }

        Add(transaction, "urn:uuid:" + Guid.NewGuid(), Receipt(envelope, back, status, errors, receiptText, patient, messageRef, unit, now));
        await repo.ProcessBundleAsync(transaction, "urn:samjournal", false, ct);
        signal.Notify();
        LogTaken(logger, envelope.Type, status);
        return new InboxAnswer(202, refusal is null
            ? $"Message {envelope.MessageId} taken in; its receipt follows."
            : $"Message {envelope.MessageId} recorded and rejected ({refusal.Value.Code}); an error receipt follows.");
    }

    /// <summary>What the message carries, stored as this record's own resource, or null when the
    /// message itself (its text) is the content.</summary>
    private static Resource? Content(InboundEnvelope envelope, ServiceRequest? referral, Composition? summary, ResourceReference patient, ResourceReference unit)
    {
        var origin = new Identifier(MessageRecords.MessageIdSystem, envelope.MessageId);
        if (referral is not null)
        {
            var copy = new ServiceRequest
            {
                Status = RequestStatus.Active,
                Intent = RequestIntent.Order,
                Category = referral.Category,
                Priority = referral.Priority,
                Code = referral.Code,
                ReasonCode = referral.ReasonCode,
                Note = referral.Note,
                PatientInstruction = referral.PatientInstruction,
                AuthoredOnElement = referral.AuthoredOnElement,
                Occurrence = referral.Occurrence,
                Subject = patient,
                Requester = Foreign(referral.Requester),
                Performer = [unit],
                Identifier = [new Identifier("https://samjournal.no/fhir/NamingSystem/referral-origin", $"{envelope.SenderNumber}/ServiceRequest/{referral.Id}")],
            };
            copy.SetExtension(OriginMessageUrl, origin);
            copy.SetExtension(OriginSenderUrl, new Identifier(NorwegianSystems.Organisasjonsnummer, envelope.SenderNumber));
            return copy;
        }

        if (summary is not null)
        {
            return new DocumentReference
            {
                Status = DocumentReferenceStatus.Current,
                DocStatus = CompositionStatus.Final,
                MasterIdentifier = new Identifier("https://samjournal.no/fhir/NamingSystem/document-origin", $"{envelope.SenderNumber}/Composition/{summary.Id}/{summary.Meta?.VersionId}"),
                Identifier = [origin],
                Type = summary.Type,
                Category = summary.Category,
                Subject = patient,
                DateElement = summary.DateElement is { } date ? new Instant(date.ToDateTimeOffset(TimeSpan.Zero)) : null,
                Author = summary.Author.Select(Foreign).OfType<ResourceReference>().ToList(),
                Description = summary.Title,
                Content =
                [
                    new DocumentReference.ContentComponent
                    {
                        Attachment = new Attachment
                        {
                            ContentType = "application/fhir+json",
                            Data = FhirFormat.ToJsonBytes(summary),
                            Title = summary.Title,
                            CreationElement = summary.DateElement,
                        },
                    },
                ],
            };
        }

        return null;
    }

    private static FhirTask WorkItem(InboundEnvelope envelope, ResourceReference patient, ResourceReference unit, string focus, ServiceRequest? referral, ResourceReference sender)
    {
        var isReferral = envelope.Type == MessageTypes.Referral;
        var code = isReferral ? WorkItemTypes.Referral : WorkItemTypes.MessageToRead;
        return new FhirTask
        {
            Status = FhirTask.TaskStatus.Requested,
            Intent = FhirTask.TaskIntent.Order,
            Priority = referral?.Priority,
            Code = new CodeableConcept(WorkItemTypes.System, code, WorkItemTypes.Display(code)),
            Focus = new ResourceReference(focus),
            For = patient,
            Owner = unit,
            Requester = sender,
            Description = $"{MessageTypes.Display(envelope.Type)} fra {sender.Display ?? envelope.SenderNumber}"
                + (referral?.Code?.Text is { Length: > 0 } what ? ": " + what : ""),
        };
    }

    private static Patient NewPatient(Patient given) => new()
    {
        Identifier = given.Identifier.Where(i => i.System is NorwegianSystems.Fodselsnummer or NorwegianSystems.DNummer).Select(i => (Identifier)i.DeepCopy()).ToList(),
        Active = true,
        Meta = given.Meta?.Security.Count > 0 ? new Meta { Security = given.Meta.Security.Select(s => (Coding)s.DeepCopy()).ToList() } : null,
        Name = given.Name,
        Gender = given.Gender,
        BirthDateElement = given.BirthDateElement,
        Address = given.Address,
        Telecom = given.Telecom,
    };

    /// <summary>A reference into the sending system, kept by identifier and name only.</summary>
    private static ResourceReference? Foreign(ResourceReference? reference) =>
        reference is null ? null : new ResourceReference { Identifier = reference.Identifier, Display = reference.Display ?? reference.Identifier?.Value };

    private static Communication Receipt(InboundEnvelope envelope, MessageAddress back, string status, IEnumerable<Coding> errors, string? text, ResourceReference? patient, string inResponseTo, ResourceReference? unit, DateTimeOffset now)
    {
        var receipt = new Communication
        {
            Identifier =
            [
                new Identifier(MessageRecords.MessageIdSystem, Guid.NewGuid().ToString()),
                new Identifier(MessageBundles.ResponseToSystem, envelope.MessageId),
            ],
            Category = [new CodeableConcept(MessageTypes.System, MessageTypes.Receipt, MessageTypes.Display(MessageTypes.Receipt))],
            Subject = patient,
            Recipient = [back.Receiver],
            InResponseTo = [new ResourceReference(inResponseTo)],
            Payload = [new Communication.PayloadComponent { Content = new FhirString($"Applikasjonskvittering: {AppRec.StatusDisplay(status)}. {text}") }],
        };
        MessageRecords.SetDirection(receipt, MessageRecords.Outbound);
        MessageRecords.SetReceipt(receipt, status, errors, text, now);
        receipt.SetExtension(MessageRecords.QueuedAtUrl, new FhirDateTime(now));
        receipt.SetExtension(MessageRecords.NextAttemptUrl, new FhirDateTime(now));
        receipt.SetExtension(MessageRecords.ChannelUrl, new Code(back.Channel));
        receipt.SetExtension(MessageRecords.EndpointUrl, new FhirUrl(back.Endpoint!));
        if (unit is not null)
        {
            receipt.SetExtension(MessageRecords.SendingUnitUrl, unit);
        }

        MessageRecords.SetState(receipt, DeliveryStates.Queued);
        return receipt;
    }

    private async Task<InboxAnswer> TakeReceiptAsync(ScopedRepository repo, InboundEnvelope envelope, CancellationToken ct)
    {
        var original = envelope.RespondsTo ?? throw FhirError.BadRequest("A receipt names the message it answers in MessageHeader.response.identifier.", "MessageHeader.response");
        var outcome = envelope.First<OperationOutcome>();
        var status = envelope.AppRecStatus
            ?? (outcome?.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal) == true ? AppRec.Rejected : AppRec.Ok);
        var errors = outcome?.Issue.SelectMany(i => i.Details?.Coding ?? []).Where(c => c.System == AppRec.ErrorSystem).ToList() ?? [];
        var text = string.Join(" ", outcome?.Issue.Select(i => i.Details?.Text).Where(t => !string.IsNullOrEmpty(t)) ?? []);
        for (var attempt = 0; ; attempt++)
        {
            var message = await OutboundAsync(repo, original, ct)
                ?? throw FhirError.Unprocessable($"The receipt answers message {original}, which this system did not send.", "MessageHeader.response.identifier");
            if (MessageRecords.IsSettled(MessageRecords.State(message)))
            {
                return new InboxAnswer(200, $"Message {original} was already settled ({MessageRecords.State(message)}); the receipt changes nothing.");
            }

            MessageRecords.SetReceipt(message, status, errors, text, time.GetUtcNow());
            message.ReceivedElement = new FhirDateTime(time.GetUtcNow());
            message.RemoveExtension(MessageRecords.NextAttemptUrl);
            MessageRecords.SetState(message, status == AppRec.Rejected ? DeliveryStates.Rejected : DeliveryStates.Delivered);
            try
            {
                await repo.UpdateAsync("Communication", message.Id!, message, Version(message), ct);
                LogReceipt(logger, status);
                return new InboxAnswer(200, $"Receipt for message {original} recorded: {AppRec.StatusDisplay(status)}.");
            }
            catch (FhirError problem) when ((int)problem.Status == 412 && attempt < 3)
            {
                // The delivery worker wrote the message meanwhile: read it again and apply the receipt to that.
            }
        }
    }

    private async Task<InboxAnswer> TakeReferralAnswerAsync(ScopedRepository repo, InboundEnvelope envelope, CancellationToken ct)
    {
        var original = envelope.RespondsTo ?? throw FhirError.BadRequest("A referral answer names the referral message in MessageHeader.response.identifier.", "MessageHeader.response");
        var answer = envelope.First<FhirTask>() ?? throw FhirError.BadRequest("A referral answer carries the receiver's Task.", "Bundle.entry");
        var message = await OutboundAsync(repo, original, ct)
            ?? throw FhirError.Unprocessable($"The answer is about referral message {original}, which this system did not send.", "MessageHeader.response.identifier");
        var referral = MessageRecords.PayloadReferences(message).FirstOrDefault(r => r.StartsWith("ServiceRequest/", StringComparison.Ordinal))
            ?? throw FhirError.Unprocessable($"Message {original} was not a referral.", "MessageHeader.response.identifier");
        for (var attempt = 0; ; attempt++)
        {
            var tracking = (await repo.FindAsync("Task", $"focus={referral}&code={OutboxRules.TaskCodeSystem}|{OutboxRules.Fulfill}", 1, ct)).OfType<FhirTask>().FirstOrDefault()
                ?? throw FhirError.Unprocessable($"Referral {referral} has no tracking Task.", "MessageHeader.response.identifier");
            if (tracking.Status == answer.Status || tracking.Status is FhirTask.TaskStatus.Completed or FhirTask.TaskStatus.Cancelled)
            {
                return new InboxAnswer(200, $"Referral {original} is already {tracking.Status}; nothing changed.");
            }

            tracking.Status = answer.Status;
            tracking.StatusReason = answer.StatusReason;
            tracking.BusinessStatus = answer.BusinessStatus;
            tracking.Note.Add(new Annotation
            {
                Text = $"Mottaker: {answer.Status?.ToString().ToLowerInvariant()}" + (answer.StatusReason?.Text is { } reason ? $" ({reason})" : "") + (answer.Owner?.Display is { } by ? $", {by}" : ""),
                Author = new FhirString(envelope.SenderName ?? envelope.SenderNumber),
                TimeElement = new FhirDateTime(time.GetUtcNow()),
            });
            try
            {
                await repo.UpdateAsync("Task", tracking.Id!, tracking, Version(tracking), ct);
                return new InboxAnswer(200, $"Referral {original}: {answer.Status?.ToString().ToLowerInvariant()}.");
            }
            catch (FhirError problem) when ((int)problem.Status == 412 && attempt < 3)
            {
                // Changed meanwhile: read again.
            }
        }
    }

    private static async Task<Communication?> OutboundAsync(ScopedRepository repo, string messageId, CancellationToken ct) =>
        (await repo.FindAsync("Communication",
            $"identifier={MessageRecords.MessageIdSystem}|{messageId}&_tag={MessageRecords.DirectionSystem}|{MessageRecords.Outbound}", 1, ct)).OfType<Communication>().FirstOrDefault();

    private static int Version(Resource resource) => int.Parse(resource.Meta!.VersionId!, CultureInfo.InvariantCulture);

    private static void Add(Bundle bundle, string fullUrl, Resource resource, string? ifNoneExist = null) =>
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = fullUrl,
            Resource = resource,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName, IfNoneExist = ifNoneExist },
        });

    [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Inbound {MessageType} message taken in; receipt status {Status} queued")]
    private static partial void LogTaken(ILogger logger, string messageType, string status);

    [LoggerMessage(EventId = 611, Level = LogLevel.Information, Message = "Inbound {MessageType} message was a duplicate; its receipt is sent again")]
    private static partial void LogDuplicate(ILogger logger, string messageType);

    [LoggerMessage(EventId = 612, Level = LogLevel.Information, Message = "Receipt with status {Status} recorded")]
    private static partial void LogReceipt(ILogger logger, string status);
}
