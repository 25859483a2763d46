using System.Globalization;
using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Clinical.Identifiers;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Serialization;
using Samjournal.Fhir.Storage;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Clinical.WorkItems;

/// <summary>
/// What staff do with work items: see their own worklist, sign (complete) an item, and see how
/// each queue is doing. A worklist must show every item the person owns, including those escalated
/// to them for patients they have no care relation with (a unit leader's, a medical lead's), so
/// these Tasks are read through a door opened for the person for exactly this purpose: not limited
/// by the record's care relations, and audited in the person's name, HPR number and role with the
/// purpose <c>worklist</c>, <c>work-item-sign</c> or <c>queue-health</c>.
/// </summary>
public sealed class WorkItemDesk(RecordAccess records, WorkItemRoutes routes, TimeProvider time)
{
    /// <summary>The caller's open work items: owned by their Practitioner (or a PractitionerRole of
    /// theirs), or by their unit where the item is for their role; most urgent first (priority,
    /// then deadline).</summary>
    public Task<IReadOnlyList<FhirTask>> MyWorkAsync(Caller caller, CancellationToken ct) => MyWorkAsync(caller, null, ct);

    /// <summary>The caller's open work items about one patient (<paramref name="patientId"/>), or about anyone (null).</summary>
    public async Task<IReadOnlyList<FhirTask>> MyWorkAsync(Caller caller, string? patientId, CancellationToken ct)
    {
        RequireStaff(caller, "A personal worklist");
        if (patientId is not null && !Hl7.Fhir.Model.Id.IsValidValue(patientId))
        {
            throw FhirOperationException.BadRequest($"'{patientId}' is not a resource id.", "patient");
        }

        var aboutPatient = patientId is null ? "" : "&patient=Patient/" + patientId;
        var door = records.For(ActingFor(caller, "worklist"));
        var me = await IdentityAsync(caller, ct);
        var tasks = new Dictionary<string, FhirTask>(StringComparer.Ordinal);
        foreach (var person in me.People)
        {
            foreach (var task in await OpenWorkItems.ReadAsync(door, "owner=" + person + aboutPatient, ct))
            {
                tasks[task.Id!] = task;
            }
        }

        foreach (var unit in me.Units)
        {
            foreach (var task in await OpenWorkItems.ReadAsync(door, "owner=" + unit + aboutPatient, ct))
            {
                if (task.PerformerType.Count == 0 || task.PerformerType.SelectMany(p => p.Coding).Any(c => c.Code == caller.Role))
                {
                    tasks[task.Id!] = task;
                }
            }
        }

        return [.. tasks.Values
            .OrderBy(WorkItemTasks.Urgency)
            .ThenBy(t => WorkItemTasks.Deadline(t) ?? DateTimeOffset.MaxValue)
            .ThenBy(t => t.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Signs (kvitterer) work item Task/<paramref name="taskId"/>: it becomes completed, owned by
    /// the signer, with a note. Only its owner, a person at the owning unit in the role the item is
    /// for, the queue's responsible person or its escalation target may sign it.
    /// </summary>
    public async Task<StoredVersion> SignAsync(Caller caller, string taskId, string? note, CancellationToken ct)
    {
        RequireStaff(caller, "Signing a work item");
        var door = records.For(ActingFor(caller, "work-item-sign"));
        var stored = await door.ReadAsync("Task", taskId, ct);
        if (FhirFormat.Parse(stored.Json!, FhirMediaType.Json) is not FhirTask task || WorkItemTasks.TypeOf(task) is null)
        {
            throw FhirOperationException.Unprocessable($"Task/{taskId} is not a work item, so there is nothing to sign.", "Task.code");
        }

        if (!WorkItemTasks.IsOpen(task))
        {
            throw FhirOperationException.Conflict($"Task/{taskId} is already closed ({task.Status.ToString()!.ToLowerInvariant()}); it cannot be signed again.");
        }

        var me = await RequireHandlerAsync(caller, task, taskId, "sign it", ct);
        var now = time.GetUtcNow();
        var signer = me.People.FirstOrDefault(p => p.StartsWith("Practitioner/", StringComparison.Ordinal));
        task.Status = FhirTask.TaskStatus.Completed;
        task.Owner = new ResourceReference(signer, caller.Name) { Identifier = new Identifier(NorwegianSystems.HprNummer, caller.HprNumber) };
        task.LastModifiedElement = new FhirDateTime(now);
        task.ExecutionPeriod ??= new Period();
        task.ExecutionPeriod.EndElement = new FhirDateTime(now);
        task.Note.Add(new Annotation
        {
            Text = string.IsNullOrWhiteSpace(note) ? "Kvittert." : note.Trim(),
            Author = new ResourceReference(signer, caller.Name),
            Time = now.ToString("o", CultureInfo.InvariantCulture),
        });
        var outcome = await door.UpdateAsync("Task", taskId, task, stored.Version, ct);
        return outcome.Version!;
    }

    /// <summary>
    /// The receiving unit answers a referral: accepts it (status accepted: the care relation that
    /// lets the unit read the patient's record starts now) or rejects it with a reason the referrer
    /// can act on. For the same people who may sign the work item. A referral that came from another
    /// system sends its answer back there (a rule inside the door).
    /// </summary>
    public async Task<StoredVersion> AnswerReferralAsync(Caller caller, string taskId, bool accept, string? reason, CancellationToken ct)
    {
        RequireStaff(caller, accept ? "Accepting a referral" : "Rejecting a referral");
        if (!accept && string.IsNullOrWhiteSpace(reason))
        {
            throw FhirOperationException.BadRequest("A referral is rejected with a reason the referrer can act on: give 'reason' (valueString).", "reason");
        }

        var door = records.For(ActingFor(caller, accept ? "referral-accept" : "referral-reject"));
        var stored = await door.ReadAsync("Task", taskId, ct);
        if (FhirFormat.Parse(stored.Json!, FhirMediaType.Json) is not FhirTask task || WorkItemTasks.TypeOf(task) != WorkItemTypes.Referral)
        {
            throw FhirOperationException.Unprocessable($"Task/{taskId} is not a referral work item.", "Task.code");
        }

        if (task.Status is not (FhirTask.TaskStatus.Requested or FhirTask.TaskStatus.Received or FhirTask.TaskStatus.Ready))
        {
            throw FhirOperationException.Conflict($"Task/{taskId} was already answered ({task.Status.ToString()!.ToLowerInvariant()}).");
        }

        var me = await RequireHandlerAsync(caller, task, taskId, "answer it", ct);
        var now = time.GetUtcNow();
        var person = me.People.FirstOrDefault(p => p.StartsWith("Practitioner/", StringComparison.Ordinal));
        task.Status = accept ? FhirTask.TaskStatus.Accepted : FhirTask.TaskStatus.Rejected;
        task.StatusReason = accept ? null : new CodeableConcept { Text = reason!.Trim() };
        task.LastModifiedElement = new FhirDateTime(now);
        task.ExecutionPeriod ??= new Period();
        task.ExecutionPeriod.StartElement ??= new FhirDateTime(now);
        task.Note.Add(new Annotation
        {
            Text = accept ? "Henvisningen er tatt imot." : "Henvisningen er avvist: " + reason!.Trim(),
            Author = new ResourceReference(person, caller.Name),
            Time = now.ToString("o", CultureInfo.InvariantCulture),
        });
        var outcome = await door.UpdateAsync("Task", taskId, task, stored.Version, ct);
        return outcome.Version!;
    }

    /// <summary>Who may act on a work item: its owner (a person, or anyone in the owning role at the
    /// owning unit), the queue's responsible person or its escalation target. Returns who the caller is.</summary>
    private async Task<(HashSet<string> People, HashSet<string> Units)> RequireHandlerAsync(Caller caller, FhirTask task, string taskId, string what, CancellationToken ct)
    {
        var me = await IdentityAsync(caller, ct);
        var owner = WorkItemTasks.Literal(task.Owner);
        var allowed = (owner is not null && (me.People.Contains(owner) || (me.Units.Contains(owner)
                && (task.PerformerType.Count == 0 || task.PerformerType.SelectMany(p => p.Coding).Any(c => c.Code == caller.Role)))))
            || new[] { WorkItemTasks.ResponsibleUrl, WorkItemTasks.EscalationTargetUrl }
                .Any(url => WorkItemTasks.Literal(WorkItemTasks.Reference(task, url)) is { } person && me.People.Contains(person));
        if (!allowed)
        {
            throw FhirOperationException.Forbidden(
                $"Task/{taskId} is owned by {task.Owner?.Display ?? owner ?? "its unit"}: only its owner, the queue's responsible person or its escalation target may {what}.");
        }

        return me;
    }

    /// <summary>
    /// Each queue (work-item type at a receiving unit): open items, how long the oldest has waited,
    /// how many are overdue or escalated, and who owns and answers for it. Counts only, no patient
    /// data: for staff and system callers.
    /// </summary>
    public async Task<IReadOnlyList<QueueHealth>> QueueHealthAsync(Caller caller, CancellationToken ct)
    {
        if (caller.Kind == CallerKind.Citizen)
        {
            throw FhirOperationException.Forbidden("Queue health is for staff and systems that run the service.");
        }

        var door = records.For(caller.Kind == CallerKind.System ? caller : ActingFor(caller, "queue-health"));
        var now = time.GetUtcNow();
        var byQueue = (await OpenWorkItems.ReadAsync(door, null, ct))
            .GroupBy(t => (Type: WorkItemTasks.TypeOf(t)!, Unit: WorkItemTasks.Reference(t, WorkItemTasks.QueueUrl)?.Identifier?.Value ?? ""))
            .ToDictionary(g => g.Key, g => g.ToList());
        var directory = new CachedDirectory(new WorkItemDirectory(async (type, criteria, c) => await door.FindAsync(type, criteria, 5, c)));
        var report = new List<QueueHealth>();
        foreach (var route in routes.All)
        {
            var items = byQueue.GetValueOrDefault((route.Type, route.UnitOrganisationNumber)) ?? [];
            byQueue.Remove((route.Type, route.UnitOrganisationNumber));
            report.Add(Measure(route.Type, await directory.UnitAsync(route.UnitOrganisationNumber, route.UnitName, ct), route.Role,
                await directory.PersonAsync(route.ResponsibleHpr, ct), await directory.PersonAsync(route.EscalationHpr, ct), items, now));
        }

        // Items whose route was removed after they were routed still count, as their own queue.
        foreach (var ((type, unit), items) in byQueue)
        {
            var first = items[0];
            report.Add(Measure(type, WorkItemTasks.Reference(first, WorkItemTasks.QueueUrl) ?? new ResourceReference { Display = "ukjent enhet" }, null,
                WorkItemTasks.Reference(first, WorkItemTasks.ResponsibleUrl), WorkItemTasks.Reference(first, WorkItemTasks.EscalationTargetUrl), items, now));
        }

        return report;
    }

    private static QueueHealth Measure(string type, ResourceReference unit, string? role, ResourceReference? responsible, ResourceReference? target, List<FhirTask> items, DateTimeOffset now)
    {
        var oldest = items.Select(t => t.AuthoredOnElement?.ToDateTimeOffset(TimeSpan.Zero) ?? t.Meta?.LastUpdated).OfType<DateTimeOffset>().DefaultIfEmpty(now).Min();
        return new QueueHealth(type, unit, role, responsible, target, items.Count,
            items.Count == 0 ? null : now - oldest,
            items.Count(t => WorkItemTasks.Deadline(t) is { } d && d <= now),
            items.Count(t => WorkItemTasks.Escalation(t) is not null));
    }

    private static void RequireStaff(Caller caller, string what)
    {
        if (caller.Kind != CallerKind.Staff || caller.HprNumber is null)
        {
            throw FhirOperationException.Forbidden($"{what} is for health personnel signed in with an HPR number.");
        }
    }

    /// <summary>A door for <paramref name="staff"/> limited to this purpose, audited in their name.</summary>
    private static Caller ActingFor(Caller staff, string purpose) => new(
        CallerKind.System, $"{purpose}:{staff.Subject}", staff.Name, staff.Role, staff.HprNumber, staff.OrganisationNumber,
        staff.UnitOrganisationNumber, null, new HashSet<string>(StringComparer.Ordinal) { "system/Task.cruds" }, purpose);

    /// <summary>The caller's Practitioner, PractitionerRoles at their unit, and unit, as <c>Type/id</c>:
    /// who they are in the record as the access policy resolves it (the same rule, and its cache).</summary>
    private async Task<(HashSet<string> People, HashSet<string> Units)> IdentityAsync(Caller staff, CancellationToken ct)
    {
        var identity = await records.For(staff).StaffIdentityAsync(ct);
        var units = identity.Where(g => g.StartsWith("Organization/", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        return (identity.Where(g => !units.Contains(g)).ToHashSet(StringComparer.Ordinal), units);
    }

    /// <summary>Looks each unit and person up once per report.</summary>
    private sealed class CachedDirectory(WorkItemDirectory directory)
    {
        private readonly Dictionary<string, ResourceReference> _seen = new(StringComparer.Ordinal);

        public async Task<ResourceReference> UnitAsync(string number, string? name, CancellationToken ct) =>
            _seen.TryGetValue("o" + number, out var hit) ? hit : _seen["o" + number] = await directory.UnitAsync(number, name, ct);

        public async Task<ResourceReference> PersonAsync(string hpr, CancellationToken ct) =>
            _seen.TryGetValue("p" + hpr, out var hit) ? hit : _seen["p" + hpr] = await directory.PersonAsync(hpr, ct);
    }
}

/// <summary>One queue's health: open items, the oldest one's age, how many are overdue and escalated.</summary>
public sealed record QueueHealth(
    string Type, ResourceReference Unit, string? Role, ResourceReference? Responsible, ResourceReference? EscalationTarget,
    int Open, TimeSpan? OldestAge, int Overdue, int Escalated);
