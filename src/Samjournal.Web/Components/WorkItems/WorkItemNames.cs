using Samjournal.Clinical.WorkItems;

namespace Samjournal.Web.Components.WorkItems;

/// <summary>What a kind of work item is called, in the user's language.</summary>
public static class WorkItemNames
{
    public static string Kind(Hl7.Fhir.Model.Task task, Texts texts)
    {
        var en = texts.Lang == "en";
        return WorkItemTasks.TypeOf(task) switch
        {
            WorkItemTypes.ResultSignOff => en ? "Result to sign" : "Svar til kvittering",
            WorkItemTypes.Referral => en ? "Referral to assess" : "Henvisning til vurdering",
            WorkItemTypes.MessageToRead => en ? "Message to read" : "Melding til lesing",
            WorkItemTypes.EmergencyAccessReview => en ? "Emergency access to review" : "Akuttilgang til gjennomgang",
            WorkItemTypes.Reconciliation => en ? "Medication reconciliation" : "Legemiddelsamstemming",
            WorkItemTypes.MessageFailure => en ? "Message not delivered" : "Melding ikke levert",
            var other => other ?? "",
        };
    }
}
