using System.Globalization;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Samjournal.Access.Repository;
using Samjournal.Fhir.Errors;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Clinical.WorkItems;

/// <summary>
/// Moves overdue work: an open item past its deadline goes to its route's responsible person
/// (Task.owner), with a note and a new deadline; if that person has not acted by the new
/// deadline either, it goes on to the escalation target. Each move is a new version of the Task,
/// so its history shows who had it when, written and audited as the worker's own system caller.
/// Time comes from <see cref="TimeProvider"/>; <see cref="RunOnceAsync"/> is one pass, which
/// tests call after moving the clock.
/// </summary>
public sealed partial class WorkItemEscalation(RecordAccess records, WorkItemRoutes routes, TimeProvider time, WorkItemEscalationOptions options, ILogger<WorkItemEscalation> logger)
    : BackgroundService
{
    public const string WorkerName = "work-item-escalation";

    /// <summary>One pass over the open work items; returns how many were moved.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var repo = records.For(Caller.SystemInternal(WorkerName));
        var now = time.GetUtcNow();
        var moved = 0;
        foreach (var task in await OpenWorkItems.ReadAsync(repo, null, ct))
        {
            if (WorkItemTasks.Deadline(task) is not { } deadline || deadline > now || Next(task) is not { } next)
            {
                continue;
            }

            Escalate(task, next.Owner, next.Level, deadline, now);
            try
            {
                await repo.UpdateAsync("Task", task.Id!, task, int.Parse(task.Meta!.VersionId!, CultureInfo.InvariantCulture), ct);
                moved++;
            }
            catch (FhirOperationException problem)
            {
                // Someone changed the item since it was read (412), or it cannot be written: it is
                // looked at again on the next pass, against its new state.
                LogEscalationSkipped(logger, task.Id!, (int)problem.Status);
            }
        }

        if (moved > 0)
        {
            LogEscalated(logger, moved);
        }

        return moved;
    }

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogPassFailed(logger, failure.GetType().Name);
            }
        }
    }

    /// <summary>Who gets the item next: the responsible person, then the escalation target, then no one further.</summary>
    private static (ResourceReference Owner, string Level)? Next(FhirTask task) => WorkItemTasks.Escalation(task) switch
    {
        null when WorkItemTasks.Reference(task, WorkItemTasks.ResponsibleUrl) is { } responsible
            && !SameParty(responsible, task.Owner) => (responsible, WorkItemTasks.EscalatedToResponsible),
        null or WorkItemTasks.EscalatedToResponsible when WorkItemTasks.Reference(task, WorkItemTasks.EscalationTargetUrl) is { } target
            && !SameParty(target, task.Owner) => (target, WorkItemTasks.EscalatedToTarget),
        _ => null,
    };

    private void Escalate(FhirTask task, ResourceReference owner, string level, DateTimeOffset deadline, DateTimeOffset now)
    {
        var type = WorkItemTasks.TypeOf(task)!;
        var queue = WorkItemTasks.Reference(task, WorkItemTasks.QueueUrl);
        var route = queue?.Identifier?.Value is { } unitNumber ? routes.Find(type, unitNumber) : null;
        var from = task.Owner?.Display ?? (queue is not null && SameParty(queue, task.Owner) ? queue.Display : null) ?? task.Owner?.Reference ?? "ingen";
        var to = owner.Display ?? owner.Reference ?? owner.Identifier?.Value;
        var why = level == WorkItemTasks.EscalatedToResponsible ? "ansvarlig for køen" : "neste nivå";
        task.Note.Add(new Annotation
        {
            Text = $"Fristen {deadline.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC gikk ut: flyttet fra {from} til {to} ({why}).",
            Author = new FhirString("Samjournal (eskalering)"),
            Time = now.ToString("o", CultureInfo.InvariantCulture),
        });
        task.Owner = (ResourceReference)owner.DeepCopy();
        task.SetExtension(WorkItemTasks.EscalationUrl, new Code(level));
        task.LastModifiedElement = new FhirDateTime(now);
        WorkItemTasks.SetDeadline(task, now + routes.Deadline(route, type, WorkItemTasks.PriorityCode(task)));
    }

    private static bool SameParty(ResourceReference a, ResourceReference? b) =>
        b is not null && (WorkItemTasks.Literal(a) is { } literal ? literal == WorkItemTasks.Literal(b) : a.Identifier?.Value is { } id && id == b.Identifier?.Value);

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Escalated {Count} overdue work items")]
    private static partial void LogEscalated(ILogger logger, int count);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Work item Task/{TaskId} was not escalated this pass ({Status}); it is tried again on the next")]
    private static partial void LogEscalationSkipped(ILogger logger, string taskId, int status);

    [LoggerMessage(EventId = 502, Level = LogLevel.Error, Message = "An escalation pass failed ({Error}); the next pass tries again")]
    private static partial void LogPassFailed(ILogger logger, string error);
}

/// <summary>How often the escalation worker runs (<c>WorkItems:EscalationIntervalSeconds</c>; zero: only when asked).</summary>
public sealed record WorkItemEscalationOptions(TimeSpan Interval);
