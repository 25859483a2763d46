namespace Samjournal.Clinical.WorkItems;

/// <summary>
/// Everything a person must act on is a FHIR Task coded from one code system; these are its
/// codes. Every code here must have a route (an owning queue) or the host refuses to start, so a
/// new kind of work cannot be added without someone who owns it.
/// </summary>
public static class WorkItemTypes
{
    // The same system and codes the access policy reads (a referral or emergency-access Task makes a
    // care relation); a test holds the two in step.
    public const string System = "https://samjournal.no/fhir/CodeSystem/task-code";

    /// <summary>A final lab or imaging result the ordering clinician must sign.</summary>
    public const string ResultSignOff = "result-sign-off";

    /// <summary>A referral (henvisning) the receiving unit must accept or reject.</summary>
    public const string Referral = "referral";

    /// <summary>An incoming message (Communication) someone must read.</summary>
    public const string MessageToRead = "message-to-read";

    /// <summary>An emergency access (akuttilgang) the unit leader must review.</summary>
    public const string EmergencyAccessReview = "emergency-access";

    /// <summary>A medication reconciliation (legemiddelsamstemming) that is due.</summary>
    public const string Reconciliation = "medication-reconciliation";

    /// <summary>A message that did not arrive (rejected, given up, no receipt in time) or a day's
    /// messages that do not add up: the sender must act, so nobody believes it arrived.</summary>
    public const string MessageFailure = "message-failure";

    public static IReadOnlyList<string> All { get; } = [ResultSignOff, Referral, MessageToRead, EmergencyAccessReview, Reconciliation, MessageFailure];

    public static string Display(string code) => code switch
    {
        ResultSignOff => "Result to sign",
        Referral => "Referral to assess",
        MessageToRead => "Message to read",
        EmergencyAccessReview => "Emergency access to review",
        Reconciliation => "Medication reconciliation due",
        MessageFailure => "Message not delivered",
        _ => code,
    };
}
