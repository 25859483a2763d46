using Hl7.Fhir.Model;
using Samjournal.Clinical.WorkItems;

namespace Samjournal.Clinical.Messaging;

/// <summary>
/// How a message lives on its Communication. The outbox is not a table beside the record: an
/// outbound message is a Communication (category <see cref="MessageTypes"/>), written in the same
/// transaction as the clinical data it carries; every state change and every delivery attempt is a
/// new version, so its history is the delivery log. The state is a meta tag
/// (<see cref="DeliveryStates.System"/>) mirrored in <c>Communication.status</c>, and the details
/// are extensions:
/// <list type="bullet">
/// <item><see cref="ChannelUrl"/> (valueCode <c>local</c> or <c>hl7-fhir-msg</c>) and <see cref="EndpointUrl"/> (valueUrl);</item>
/// <item><see cref="QueuedAtUrl"/> (valueDateTime): when the clinician sent it (the outbox entry);</item>
/// <item><see cref="AttemptUrl"/> (complex, repeating: <c>time</c>, <c>outcome</c>) and <see cref="NextAttemptUrl"/>;</item>
/// <item><see cref="ReceiptUrl"/> (complex: <c>status</c> AppRec Coding, <c>error</c> Codings, <c>text</c>, <c>time</c>);</item>
/// <item><see cref="SendingUnitUrl"/> (valueReference Organization): the unit it went from.</item>
/// </list>
/// The message id (also the MessageHeader id and the id the receipt answers) is the identifier in
/// <see cref="MessageIdSystem"/>.
/// </summary>
public static class MessageRecords
{
    public const string MessageIdSystem = "https://samjournal.no/fhir/NamingSystem/message-id";
    public const string DirectionSystem = "https://samjournal.no/fhir/CodeSystem/message-direction";
    public const string Outbound = "outbound";
    public const string Inbound = "inbound";

    public const string ChannelUrl = "https://samjournal.no/fhir/StructureDefinition/message-channel";
    public const string EndpointUrl = "https://samjournal.no/fhir/StructureDefinition/message-endpoint";
    public const string QueuedAtUrl = "https://samjournal.no/fhir/StructureDefinition/message-queued-at";
    public const string AttemptUrl = "https://samjournal.no/fhir/StructureDefinition/message-attempt";
    public const string NextAttemptUrl = "https://samjournal.no/fhir/StructureDefinition/message-next-attempt";
    public const string ReceiptUrl = "https://samjournal.no/fhir/StructureDefinition/message-receipt";
    public const string SendingUnitUrl = "https://samjournal.no/fhir/StructureDefinition/message-sending-unit";
    public const string ReceiptOverdueUrl = "https://samjournal.no/fhir/StructureDefinition/message-receipt-overdue";

    /// <summary>The channel of a receiver on this Samjournal: the message goes to the unit's queue in the same transaction.</summary>
    public const string LocalChannel = "local";

    /// <summary>FHIR messaging over HTTP (<c>$process-message</c>), the code of
    /// http://terminology.hl7.org/CodeSystem/endpoint-connection-type.</summary>
    public const string FhirMessagingChannel = "hl7-fhir-msg";

    public const string ConnectionTypeSystem = "http://terminology.hl7.org/CodeSystem/endpoint-connection-type";

    /// <summary>The message type a Communication carries, or null when it is not a message.</summary>
    public static string? TypeOf(Communication message) =>
        message.Category.SelectMany(c => c.Coding).FirstOrDefault(c => c.System == MessageTypes.System && MessageTypes.IsKnown(c.Code))?.Code;

    public static string? Direction(Resource resource) => resource.Meta?.Tag.FirstOrDefault(t => t.System == DirectionSystem)?.Code;

    public static string? State(Resource resource) => resource.Meta?.Tag.FirstOrDefault(t => t.System == DeliveryStates.System)?.Code;

    public static string? MessageId(Communication message) => message.Identifier.FirstOrDefault(i => i.System == MessageIdSystem)?.Value;

    public static void SetDirection(Resource resource, string direction) => SetTag(resource, DirectionSystem, direction, direction == Outbound ? "Utgående" : "Innkommende");

    /// <summary>Moves the message to <paramref name="state"/>: the tag and <c>Communication.status</c>.</summary>
    public static void SetState(Communication message, string state)
    {
        SetTag(message, DeliveryStates.System, state, DeliveryStates.Display(state));
        message.Status = state switch
        {
            DeliveryStates.Queued => EventStatus.Preparation,
            DeliveryStates.Transmitted => EventStatus.InProgress,
            DeliveryStates.Delivered or DeliveryStates.Received => EventStatus.Completed,
            DeliveryStates.Rejected => EventStatus.Stopped,
            _ => EventStatus.NotDone,
        };
    }

    /// <summary>States a message can no longer leave: a late receipt or retry changes nothing.</summary>
    public static bool IsSettled(string? state) => state is DeliveryStates.Delivered or DeliveryStates.Rejected or DeliveryStates.Failed;

    public static DateTimeOffset? QueuedAt(Communication message) => DateTimeValue(message, QueuedAtUrl);

    public static DateTimeOffset? NextAttempt(Communication message) => DateTimeValue(message, NextAttemptUrl);

    public static int Attempts(Communication message) => message.GetExtensions(AttemptUrl).Count();

    public static void AddAttempt(Communication message, DateTimeOffset time, string outcome)
    {
        var attempt = new Extension { Url = AttemptUrl };
        attempt.AddExtension("time", new FhirDateTime(time.ToUniversalTime()));
        attempt.AddExtension("outcome", new FhirString(outcome));
        message.Extension.Add(attempt);
    }

    public static void SetReceipt(Communication message, string status, IEnumerable<Coding> errors, string? text, DateTimeOffset time)
    {
        message.RemoveExtension(ReceiptUrl);
        var receipt = new Extension { Url = ReceiptUrl };
        receipt.AddExtension("status", new Coding(AppRec.StatusSystem, status, AppRec.StatusDisplay(status)));
        foreach (var error in errors)
        {
            receipt.AddExtension("error", error);
        }

        if (!string.IsNullOrWhiteSpace(text))
        {
            receipt.AddExtension("text", new FhirString(text));
        }

        receipt.AddExtension("time", new FhirDateTime(time.ToUniversalTime()));
        message.Extension.Add(receipt);
    }

    /// <summary>The receipt's text and error codes in one line, for a work item or a report.</summary>
    public static string? ReceiptText(Communication message)
    {
        if (message.GetExtension(ReceiptUrl) is not { } receipt)
        {
            return null;
        }

        var errors = receipt.Extension.Where(e => e.Url == "error").Select(e => e.Value).OfType<Coding>().Select(c => c.Display is null ? c.Code : $"{c.Code} {c.Display}");
        var text = (receipt.GetExtensionValue<FhirString>("text"))?.Value;
        return string.Join(": ", new[] { string.Join(", ", errors), text }.Where(s => !string.IsNullOrEmpty(s)));
    }

    public static string? Channel(Communication message) => message.GetExtensionValue<Code>(ChannelUrl)?.Value;

    public static string? EndpointAddress(Communication message) => message.GetExtensionValue<FhirUrl>(EndpointUrl)?.Value;

    public static ResourceReference? SendingUnit(Communication message) => message.GetExtensionValue<ResourceReference>(SendingUnitUrl);

    /// <summary><c>Type/id</c> of the first payload that references a resource.</summary>
    public static IEnumerable<string> PayloadReferences(Communication message) =>
        message.Payload.Select(p => p.Content).OfType<ResourceReference>().Select(WorkItemTasks.Literal).OfType<string>();

    private static DateTimeOffset? DateTimeValue(Communication message, string url) =>
        message.GetExtensionValue<FhirDateTime>(url)?.ToDateTimeOffset(TimeSpan.Zero);

    private static void SetTag(Resource resource, string system, string code, string display)
    {
        resource.Meta ??= new Meta();
        resource.Meta.Tag.RemoveAll(t => t.System == system);
        resource.Meta.Tag.Add(new Coding(system, code, display));
    }
}
