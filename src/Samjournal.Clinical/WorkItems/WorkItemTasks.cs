using Hl7.Fhir.Model;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Clinical.WorkItems;

/// <summary>
/// How a work item is read from and written to its Task. The routing facts travel on the Task
/// itself as extensions, so every version says which queue it belongs to and who is next:
/// <list type="bullet">
/// <item><see cref="QueueUrl"/> (valueReference Organization): the receiving unit whose queue it is;</item>
/// <item><see cref="ResponsibleUrl"/> (valueReference Practitioner): the route's named responsible person;</item>
/// <item><see cref="EscalationTargetUrl"/> (valueReference Practitioner): the next level;</item>
/// <item><see cref="EscalationUrl"/> (valueCode <c>responsible</c> or <c>escalation-target</c>): how far it has been escalated.</item>
/// </list>
/// The deadline is <c>Task.restriction.period.end</c>.
/// </summary>
public static class WorkItemTasks
{
    public const string QueueUrl = "https://samjournal.no/fhir/StructureDefinition/work-item-queue";
    public const string ResponsibleUrl = "https://samjournal.no/fhir/StructureDefinition/work-item-responsible";
    public const string EscalationTargetUrl = "https://samjournal.no/fhir/StructureDefinition/work-item-escalation-target";
    public const string EscalationUrl = "https://samjournal.no/fhir/StructureDefinition/work-item-escalation";

    /// <summary>Task.performerType system for the role that owns the queue (the same the
    /// emergency-access review uses).</summary>
    public const string RoleSystem = "https://samjournal.no/fhir/CodeSystem/staff-role";

    public const string EscalatedToResponsible = "responsible";
    public const string EscalatedToTarget = "escalation-target";

    private static readonly HashSet<FhirTask.TaskStatus> Closed =
    [
        FhirTask.TaskStatus.Completed, FhirTask.TaskStatus.Cancelled, FhirTask.TaskStatus.Rejected,
        FhirTask.TaskStatus.Failed, FhirTask.TaskStatus.EnteredInError,
    ];

    /// <summary>The statuses of a work item someone still has to act on, as a search value.</summary>
    public const string OpenStatuses = "draft,requested,received,accepted,ready,in-progress,on-hold";

    /// <summary>The work-item type of <paramref name="task"/>, or null when it is not a work item.</summary>
    public static string? TypeOf(FhirTask task) =>
        task.Code?.Coding.FirstOrDefault(c => c.System == WorkItemTypes.System && WorkItemTypes.All.Contains(c.Code, StringComparer.Ordinal))?.Code;

    public static bool IsOpen(FhirTask task) => task.Status is not { } status || !Closed.Contains(status);

    public static DateTimeOffset? Deadline(FhirTask task) => task.Restriction?.Period?.EndElement?.ToDateTimeOffset(TimeSpan.Zero);

    public static void SetDeadline(FhirTask task, DateTimeOffset deadline)
    {
        task.Restriction ??= new FhirTask.RestrictionComponent();
        task.Restriction.Period ??= new Period();
        task.Restriction.Period.EndElement = new FhirDateTime(deadline.ToUniversalTime());
    }

    /// <summary>FHIR request priority as a code; a Task without one is routine.</summary>
    public static string PriorityCode(FhirTask task) => task.Priority switch
    {
        RequestPriority.Stat => "stat",
        RequestPriority.Asap => "asap",
        RequestPriority.Urgent => "urgent",
        _ => "routine",
    };

    /// <summary>Most urgent first: stat, asap, urgent, routine.</summary>
    public static int Urgency(FhirTask task) => task.Priority switch
    {
        RequestPriority.Stat => 0,
        RequestPriority.Asap => 1,
        RequestPriority.Urgent => 2,
        _ => 3,
    };

    public static ResourceReference? Reference(FhirTask task, string url) => task.GetExtensionValue<ResourceReference>(url);

    public static string? Escalation(FhirTask task) => task.GetExtensionValue<Code>(EscalationUrl)?.Value;

    /// <summary><c>Type/id</c> of a literal reference (relative, absolute or versioned), else null.</summary>
    public static string? Literal(ResourceReference? reference)
    {
        if (reference?.Reference is not { } text)
        {
            return null;
        }

        var parts = text.Split('/');
        var history = Array.IndexOf(parts, "_history");
        if (history >= 0)
        {
            parts = parts[..history];
        }

        return parts.Length >= 2 ? $"{parts[^2]}/{parts[^1]}" : null;
    }

    /// <summary>The key a queue is known by: its unit's literal reference, else its organisation number.</summary>
    public static string? QueueKey(ResourceReference? unit) =>
        Literal(unit) ?? (unit?.Identifier is { Value: { } number } ? "orgnr:" + number : null);
}
