using Hl7.Fhir.Model;
using Samjournal.Clinical.WorkItems;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Clinical.Messaging;

/// <summary>The <c>message-failure</c> work item: urgent, for a named person where there is one, on a
/// unit's queue, saying in words what did not arrive where and why.</summary>
internal static class MessageFailures
{
    public static FhirTask New(string focus, string? patient, ResourceReference? owner, ResourceReference? queue, string description, DateTimeOffset now)
    {
        var task = new FhirTask
        {
            Status = FhirTask.TaskStatus.Requested,
            Intent = FhirTask.TaskIntent.Order,
            Priority = RequestPriority.Urgent,
            Code = new CodeableConcept(WorkItemTypes.System, WorkItemTypes.MessageFailure, WorkItemTypes.Display(WorkItemTypes.MessageFailure)),
            Focus = new ResourceReference(focus),
            For = patient is null ? null : new ResourceReference(patient),
            Owner = (ResourceReference?)(owner ?? queue)?.DeepCopy(),
            Description = description,
            AuthoredOnElement = new FhirDateTime(now),
        };
        if (queue is not null)
        {
            task.SetExtension(WorkItemTasks.QueueUrl, queue);
        }

        return task;
    }
}
