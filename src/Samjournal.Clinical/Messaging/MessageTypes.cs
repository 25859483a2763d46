namespace Samjournal.Clinical.Messaging;

/// <summary>
/// The kinds of message Samjournal sends and receives, coded in
/// <see cref="System"/>. A Communication whose category carries one of the sendable codes is a
/// message to send; the address directory says which receiver takes which code on which channel.
/// </summary>
public static class MessageTypes
{
    public const string System = "https://samjournal.no/fhir/CodeSystem/message-type";

    /// <summary>A referral (henvisning); its payload is the ServiceRequest.</summary>
    public const string Referral = "referral";

    /// <summary>A signed discharge summary (epikrise); its payload is the Composition.</summary>
    public const string DischargeSummary = "discharge-summary";

    /// <summary>A care message between hospital and municipality (PLO-melding).</summary>
    public const string CareMessage = "care-message";

    /// <summary>A dialogue message (dialogmelding) between clinicians.</summary>
    public const string DialogueMessage = "dialogue-message";

    /// <summary>The receiver's answer to a referral (received, accepted, rejected, completed).</summary>
    public const string ReferralStatus = "referral-status";

    /// <summary>An application receipt (applikasjonskvittering, AppRec) for a message.</summary>
    public const string Receipt = "receipt";

    /// <summary>What a clinician (or a rule acting for one) may send.</summary>
    public static IReadOnlyList<string> Sendable { get; } = [Referral, DischargeSummary, CareMessage, DialogueMessage];

    /// <summary>What Samjournal itself sends in answer to a message: every message-capable
    /// endpoint takes these.</summary>
    public static IReadOnlyList<string> Answers { get; } = [ReferralStatus, Receipt];

    public static bool IsKnown(string? code) => code is not null && (Sendable.Contains(code) || Answers.Contains(code));

    public static string Display(string code) => code switch
    {
        Referral => "Henvisning",
        DischargeSummary => "Epikrise",
        CareMessage => "Pleie- og omsorgsmelding",
        DialogueMessage => "Dialogmelding",
        ReferralStatus => "Svar på henvisning",
        Receipt => "Applikasjonskvittering",
        _ => code,
    };
}

/// <summary>
/// Where a message is in its life. "Sent" anywhere in Samjournal means <see cref="Delivered"/>:
/// a receipt came back (or, on the local channel, the message is in the receiving unit's queue).
/// </summary>
public static class DeliveryStates
{
    /// <summary>Meta tag system carrying the state, so the worker and reports search by it.</summary>
    public const string System = "https://samjournal.no/fhir/CodeSystem/delivery-state";

    /// <summary>In the outbox, not yet accepted by the receiver's endpoint.</summary>
    public const string Queued = "queued";

    /// <summary>The receiver's endpoint took it (HTTP 2xx); no receipt yet.</summary>
    public const string Transmitted = "transmitted";

    /// <summary>A receipt came back: OK, or OK with remarks.</summary>
    public const string Delivered = "delivered";

    /// <summary>A receipt came back with an error (avvist), or the endpoint refused it for good.</summary>
    public const string Rejected = "rejected";

    /// <summary>Samjournal gave up sending after its retries.</summary>
    public const string Failed = "failed";

    /// <summary>A message that came in (inbound); not part of the outbox.</summary>
    public const string Received = "received";

    public static string Display(string code) => code switch
    {
        Queued => "I kø",
        Transmitted => "Overført, venter på kvittering",
        Delivered => "Sendt (kvittert)",
        Rejected => "Avvist av mottaker",
        Failed => "Kunne ikke sendes",
        Received => "Mottatt",
        _ => code,
    };
}

/// <summary>
/// The Norwegian application receipt (applikasjonskvittering v1.1): status from kodeverk 8258 and
/// error codes from kodeverk 8221, carried in FHIR as a response message.
/// </summary>
public static class AppRec
{
    public const string StatusSystem = "urn:oid:2.16.578.1.12.4.1.1.8258";
    public const string ErrorSystem = "urn:oid:2.16.578.1.12.4.1.1.8221";

    /// <summary>OK: the message was received and processed.</summary>
    public const string Ok = "1";

    /// <summary>Avvist: the message was rejected and not processed.</summary>
    public const string Rejected = "2";

    /// <summary>OK, with remarks (feil i delmelding): processed, but something must be looked at.</summary>
    public const string OkWithRemarks = "3";

    /// <summary>E10: invalid message (structure or content the receiver cannot read).</summary>
    public const string InvalidMessage = "E10";

    /// <summary>E21: the addressed receiver does not exist or does not take this message.</summary>
    public const string UnknownReceiver = "E21";

    /// <summary>E35: the patient cannot be identified (no valid national identity number).</summary>
    public const string UnknownPatient = "E35";

    public static string StatusDisplay(string code) => code switch
    {
        Ok => "OK",
        Rejected => "Avvist",
        OkWithRemarks => "OK, feil i delmelding",
        _ => code,
    };
}
