using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Clinical.Identifiers;
using Samjournal.Clinical.WorkItems;
using Samjournal.Fhir.Serialization;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Clinical.Messaging;

/// <summary>
/// A message on the wire: a FHIR message Bundle (type <c>message</c>) whose first entry is the
/// MessageHeader. Its id, the Bundle's identifier and the Communication's message id are one value,
/// which receipts answer (<c>MessageHeader.response.identifier</c>). Sender and receiver are named by
/// organisation number, since the two systems do not share resource ids. The other entries are the
/// Communication, the patient, and what the message carries (the ServiceRequest of a referral, the
/// signed Composition version of a discharge summary, the Task of a referral answer, the
/// OperationOutcome of a receipt).
/// </summary>
public static class MessageBundles
{
    /// <summary>The identifier system of the message a receipt or referral answer responds to.</summary>
    public const string ResponseToSystem = "https://samjournal.no/fhir/NamingSystem/message-response-to";

    /// <summary>The AppRec status on a receipt's MessageHeader (valueCoding, kodeverk 8258).</summary>
    public const string AppRecStatusUrl = "https://samjournal.no/fhir/StructureDefinition/apprec-status";

    public static string? RespondsTo(Communication message) => message.Identifier.FirstOrDefault(i => i.System == ResponseToSystem)?.Value;

    public static async Task<Bundle> BuildAsync(ScopedRepository repo, Communication message, string ownAddress, DateTimeOffset now, CancellationToken ct)
    {
        var id = MessageRecords.MessageId(message)!;
        var type = MessageRecords.TypeOf(message)!;
        var baseUrl = ownAddress.Length > 0 ? ownAddress : "https://samjournal.invalid/fhir";
        var bundle = new Bundle
        {
            Id = id,
            Type = Bundle.BundleType.Message,
            Identifier = new Identifier(MessageRecords.MessageIdSystem, id),
            TimestampElement = new Instant(now),
        };
        var header = new MessageHeader
        {
            Id = id,
            Event = new Coding(MessageTypes.System, type, MessageTypes.Display(type)),
            Source = new MessageHeader.MessageSourceComponent { Name = "Samjournal", Endpoint = baseUrl },
            Sender = ByNumber(MessageRecords.SendingUnit(message)),
            Destination =
            [
                new MessageHeader.MessageDestinationComponent
                {
                    Endpoint = MessageRecords.EndpointAddress(message) ?? "urn:unknown",
                    Receiver = ByNumber(message.Recipient.FirstOrDefault()),
                },
            ],
        };
        bundle.Entry.Add(Entry(baseUrl, header));

        var carried = (Communication)message.DeepCopy();
        carried.Extension.RemoveAll(e => e.Url is MessageRecords.AttemptUrl or MessageRecords.NextAttemptUrl or MessageRecords.ReceiptOverdueUrl);
        bundle.Entry.Add(Entry(baseUrl, carried));
        header.Focus.Add(new ResourceReference($"{baseUrl}/Communication/{carried.Id}"));

        if (WorkItemTasks.Literal(message.Subject) is { } patient && await ReadAsync(repo, patient, ct) is { } subject)
        {
            bundle.Entry.Add(Entry(baseUrl, subject));
        }

        foreach (var reference in message.Payload.Select(p => p.Content).OfType<ResourceReference>())
        {
            if (await ReadAsync(repo, reference.Reference, ct) is { } content)
            {
                bundle.Entry.Add(Entry(baseUrl, content));
                header.Focus.Add(new ResourceReference($"{baseUrl}/{content.TypeName}/{content.Id}"));
            }
        }

        if (RespondsTo(message) is { } original)
        {
            header.Response = new MessageHeader.ResponseComponent { Identifier = original, Code = MessageHeader.ResponseType.Ok };
            if (type == MessageTypes.Receipt && message.GetExtension(MessageRecords.ReceiptUrl) is { } receipt
                && receipt.GetExtensionValue<Coding>("status") is { } status)
            {
                header.SetExtension(AppRecStatusUrl, status);
                header.Response.Code = status.Code == AppRec.Rejected ? MessageHeader.ResponseType.FatalError : MessageHeader.ResponseType.Ok;
                var outcome = new OperationOutcome { Id = "receipt-" + id };
                foreach (var error in receipt.Extension.Where(e => e.Url == "error").Select(e => e.Value).OfType<Coding>())
                {
                    outcome.Issue.Add(new OperationOutcome.IssueComponent
                    {
                        Severity = status.Code == AppRec.Rejected ? OperationOutcome.IssueSeverity.Error : OperationOutcome.IssueSeverity.Warning,
                        Code = OperationOutcome.IssueType.Processing,
                        Details = new CodeableConcept { Coding = [error], Text = receipt.GetExtensionValue<FhirString>("text")?.Value },
                    });
                }

                if (outcome.Issue.Count == 0)
                {
                    outcome.Issue.Add(new OperationOutcome.IssueComponent
                    {
                        Severity = OperationOutcome.IssueSeverity.Information,
                        Code = OperationOutcome.IssueType.Informational,
                        Details = new CodeableConcept { Text = receipt.GetExtensionValue<FhirString>("text")?.Value ?? "Mottatt." },
                    });
                }

                bundle.Entry.Add(Entry(baseUrl, outcome));
                header.Response.Details = new ResourceReference($"{baseUrl}/OperationOutcome/{outcome.Id}");
            }
        }

        return bundle;
    }

    /// <summary>Reads a message Bundle that came in, or says (400) why it is not one.</summary>
    public static InboundEnvelope Open(Resource body)
    {
        if (body is not Bundle { Type: Bundle.BundleType.Message } bundle || bundle.Entry.FirstOrDefault()?.Resource is not MessageHeader header)
        {
            throw FhirError.BadRequest("$process-message takes a FHIR message: a Bundle of type 'message' whose first entry is a MessageHeader.", "Bundle.type");
        }

        var id = header.Id ?? bundle.Identifier?.Value;
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64)
        {
            throw FhirError.BadRequest("The message has no id: MessageHeader.id (also Bundle.identifier) identifies it, and its receipt answers it.", "MessageHeader.id");
        }

        var type = header.Event is Coding { System: MessageTypes.System } coding && MessageTypes.IsKnown(coding.Code) ? coding.Code : null;
        if (type is null)
        {
            throw FhirError.BadRequest($"MessageHeader.eventCoding must be a code of {MessageTypes.System}: {string.Join(", ", MessageTypes.Sendable.Concat(MessageTypes.Answers))}.", "MessageHeader.eventCoding");
        }

        var sender = header.Sender?.Identifier is { System: NorwegianSystems.Organisasjonsnummer, Value: { } s } ? s : null;
        if (sender is null)
        {
            throw FhirError.BadRequest($"MessageHeader.sender must name the sending organisation or unit by its organisation number ({NorwegianSystems.Organisasjonsnummer}).", "MessageHeader.sender");
        }

        var entries = new Dictionary<string, Resource>(StringComparer.Ordinal);
        foreach (var entry in bundle.Entry.Skip(1))
        {
            if (entry.Resource is { } resource)
            {
                entries[$"{resource.TypeName}/{resource.Id}"] = resource;
            }
        }

        return new InboundEnvelope(
            id, type, sender, header.Sender?.Display,
            header.Destination.FirstOrDefault()?.Receiver?.Identifier?.Value,
            header.Response?.Identifier,
            header.GetExtensionValue<Coding>(AppRecStatusUrl)?.Code,
            entries);
    }

    private static ResourceReference? ByNumber(ResourceReference? unit) =>
        unit?.Identifier is { Value: not null } identifier
            ? new ResourceReference { Identifier = (Identifier)identifier.DeepCopy(), Display = unit.Display, Type = "Organization" }
            : null;

    private static Bundle.EntryComponent Entry(string baseUrl, Resource resource) =>
        new() { FullUrl = $"{baseUrl}/{resource.TypeName}/{resource.Id}", Resource = resource };

    /// <summary>A resource the message carries; a versioned reference (the signed version of a
    /// summary) is read at that version.</summary>
    private static async Task<Resource?> ReadAsync(ScopedRepository repo, string? reference, CancellationToken ct)
    {
        if (reference is null)
        {
            return null;
        }

        var parts = reference.Split('/');
        try
        {
            var stored = parts.Length >= 4 && parts[^2] == "_history" && int.TryParse(parts[^1], out var version)
                ? await repo.VReadAsync(parts[^4], parts[^3], version, ct)
                : parts.Length >= 2 ? await repo.ReadAsync(parts[^2], parts[^1], ct) : null;
            return stored?.Json is { } json ? FhirFormat.Parse(json, FhirMediaType.Json) : null;
        }
        catch (FhirError)
        {
            return null;
        }
    }
}

/// <summary>What an inbound message says about itself.</summary>
public sealed record InboundEnvelope(
    string MessageId,
    string Type,
    string SenderNumber,
    string? SenderName,
    string? ReceiverNumber,
    string? RespondsTo,
    string? AppRecStatus,
    IReadOnlyDictionary<string, Resource> Entries)
{
    public T? Find<T>(string? reference)
        where T : Resource =>
        WorkItemTasks.Literal(reference is null ? null : new ResourceReference(reference)) is { } key && Entries.TryGetValue(key, out var found) ? found as T : null;

    public T? First<T>()
        where T : Resource => Entries.Values.OfType<T>().FirstOrDefault();
}
