using Hl7.Fhir.Model;
using Samjournal.Clinical.Identifiers;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Storage;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Clinical.WorkItems;

/// <summary>
/// No work item is stored without an owner and a deadline, on any path (REST, transactions, the
/// reactions of other rules). A work-item Task written without them gets them from its queue's
/// route: the owner is the receiving unit, the performer type the route's role, the deadline the
/// route's rule for the Task's priority, and the route's responsible person and escalation target
/// go on the Task for the escalation worker. A work item whose unit has no route is refused.
/// </summary>
internal sealed class WorkItemRouting(WorkItemRoutes routes, TimeProvider time) : IWriteHook
{
    public async ValueTask BeforeWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct)
    {
        if (write.Method == VersionMethod.Delete || write.Resource is not FhirTask task || WorkItemTasks.TypeOf(task) is not { } type)
        {
            return;
        }

        if (IsRouted(task, type))
        {
            // Already carries its routing (an escalation, a signing, a reaction's update): nothing to look up.
            return;
        }

        var directory = new WorkItemDirectory((t, q, c) => transaction.SearchAsync(t, q, 5, c));
        if (write.Method == VersionMethod.Update && await transaction.ReadAsync("Task", write.Id, ct) is FhirTask previous)
        {
            KeepRouting(task, previous);
        }

        var unit = WorkItemTasks.Reference(task, WorkItemTasks.QueueUrl) ?? await UnitOfAsync(task, type, directory, transaction, ct)
            ?? throw FhirOperationException.Unprocessable(
                $"A work item ({WorkItemTypes.Display(type)}) needs a receiving unit with a route: name it as Task.owner (the unit's Organization, a PractitionerRole at it, or a person with a role there), Task.restriction.recipient, or through Task.encounter.",
                "Task.owner");
        var number = await directory.OrganisationNumberAsync(unit, transaction.ReadAsync, ct)
            ?? throw FhirOperationException.Unprocessable(
                $"{unit.Reference ?? unit.Display} has no organisation number ({NorwegianSystems.Organisasjonsnummer}), so no work-item route can name it.", "Task.owner");
        var route = routes.Find(type, number) ?? throw FhirOperationException.Unprocessable(
            $"No work-item route for '{type}' at unit {number}{(unit.Display is { } name ? $" ({name})" : "")}: work cannot go to a queue nobody owns. Add the route to WorkItems:Routes.",
            "Task.owner");

        var queue = await directory.UnitAsync(number, route.UnitName ?? unit.Display, ct);
        if (WorkItemTasks.Reference(task, WorkItemTasks.QueueUrl) is null)
        {
            task.SetExtension(WorkItemTasks.QueueUrl, queue);
        }

        task.Owner ??= queue;
        if (task.PerformerType.Count == 0)
        {
            task.PerformerType.Add(new CodeableConcept(WorkItemTasks.RoleSystem, route.Role));
        }

        if (WorkItemTasks.Reference(task, WorkItemTasks.ResponsibleUrl) is null)
        {
            task.SetExtension(WorkItemTasks.ResponsibleUrl, await directory.PersonAsync(route.ResponsibleHpr, ct));
        }

        if (WorkItemTasks.Reference(task, WorkItemTasks.EscalationTargetUrl) is null)
        {
            task.SetExtension(WorkItemTasks.EscalationTargetUrl, await directory.PersonAsync(route.EscalationHpr, ct));
        }

        var now = time.GetUtcNow();
        task.AuthoredOnElement ??= new FhirDateTime(now);
        if (WorkItemTasks.Deadline(task) is null)
        {
            WorkItemTasks.SetDeadline(task, now + routes.Deadline(route, type, WorkItemTasks.PriorityCode(task)));
        }
    }

    public ValueTask AfterWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct) => ValueTask.CompletedTask;

    /// <summary>Owner, deadline, people and a queue whose unit still has a route for this type.</summary>
    private bool IsRouted(FhirTask task, string type) =>
        task.Owner is not null && WorkItemTasks.Deadline(task) is not null
        && WorkItemTasks.Reference(task, WorkItemTasks.ResponsibleUrl) is not null
        && WorkItemTasks.Reference(task, WorkItemTasks.EscalationTargetUrl) is not null
        && WorkItemTasks.Reference(task, WorkItemTasks.QueueUrl)?.Identifier is { System: NorwegianSystems.Organisasjonsnummer, Value: { } number }
        && routes.Find(type, number) is not null;

    /// <summary>A new version that leaves out the owner, the deadline or the routing keeps the
    /// previous version's: replacing a Task must not make it unowned.</summary>
    private static void KeepRouting(FhirTask task, FhirTask previous)
    {
        task.Owner ??= previous.Owner;
        if (WorkItemTasks.Deadline(task) is null && WorkItemTasks.Deadline(previous) is { } deadline)
        {
            WorkItemTasks.SetDeadline(task, deadline);
        }

        foreach (var url in new[] { WorkItemTasks.QueueUrl, WorkItemTasks.ResponsibleUrl, WorkItemTasks.EscalationTargetUrl, WorkItemTasks.EscalationUrl })
        {
            if (task.GetExtension(url) is null && previous.GetExtension(url) is { } kept)
            {
                task.Extension.Add((Extension)kept.DeepCopy());
            }
        }
    }

    /// <summary>The receiving unit a Task names: its owner (a unit, a role at a unit, or a person
    /// whose role is at a unit with a route for this type), else its restriction's recipient unit,
    /// else its encounter's service provider.</summary>
    private async Task<ResourceReference?> UnitOfAsync(FhirTask task, string type, WorkItemDirectory directory, IWriteTransaction transaction, CancellationToken ct)
    {
        var owner = WorkItemTasks.Literal(task.Owner);
        if (owner?.StartsWith("Organization/", StringComparison.Ordinal) == true || task.Owner is { Reference: null, Identifier.System: NorwegianSystems.Organisasjonsnummer })
        {
            return task.Owner;
        }

        if (owner?.StartsWith("PractitionerRole/", StringComparison.Ordinal) == true
            && await transaction.ReadAsync("PractitionerRole", owner["PractitionerRole/".Length..], ct) is PractitionerRole { Organization: { } roleUnit })
        {
            return roleUnit;
        }

        if (owner?.StartsWith("Practitioner/", StringComparison.Ordinal) == true)
        {
            foreach (var role in (await transaction.SearchAsync("PractitionerRole", "practitioner=" + owner, 20, ct)).OfType<PractitionerRole>())
            {
                if (role.Organization is { } candidate && await directory.OrganisationNumberAsync(candidate, transaction.ReadAsync, ct) is { } number
                    && routes.Find(type, number) is not null)
                {
                    return candidate;
                }
            }
        }

        if (task.Restriction?.Recipient.FirstOrDefault(r => WorkItemTasks.Literal(r)?.StartsWith("Organization/", StringComparison.Ordinal) == true) is { } recipient)
        {
            return recipient;
        }

        return WorkItemTasks.Literal(task.Encounter) is { } encounter && encounter.StartsWith("Encounter/", StringComparison.Ordinal)
            && await transaction.ReadAsync("Encounter", encounter["Encounter/".Length..], ct) is Encounter { ServiceProvider: { } provider }
            ? provider
            : null;
    }
}
