using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Samjournal.Clinical.Demo;
using Samjournal.Clinical.WorkItems;
using Samjournal.Tests.Infrastructure;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Tests.WorkItems;

/// <summary>Overdue work moves to the queue's responsible person, then to the escalation target,
/// each move a new version with a note; and the queue-health report counts what waits.</summary>
public abstract class EscalationBehaviour(SamjournalHost host, FakeTimeProvider time) : WorkItemTestBase(host, time)
{
    [Fact]
    public async Task An_overdue_item_moves_to_the_responsible_person_then_to_the_escalation_target_and_no_further()
    {
        var patient = await CreateAsync(NewPatient());
        var unit = await UnitAsync(WorkItemHostSetup.EscalationTestUnit);
        var created = await PostAsync(WorkItem(WorkItemTypes.Referral, patient.Id, unit));
        var haugen = await PractitionerAsync("9100101");
        var lie = await PractitionerAsync("9100103");

        await EscalateAsync();
        Assert.Equal(unit, (await TaskAsync(created.Id)).Owner.Reference);

        await MoveClockToAsync(DeadlineOf(created).AddMinutes(1));
        await EscalateAsync();
        var first = await TaskAsync(created.Id);
        Assert.Equal(haugen, first.Owner.Reference);
        Assert.Equal(WorkItemTasks.EscalatedToResponsible, WorkItemTasks.Escalation(first));
        Assert.Equal(Time.GetUtcNow().AddDays(10), DeadlineOf(first), TimeSpan.FromSeconds(1)); // the referral rule, again
        Assert.Contains(first.Note, n => n.Text.Contains("flyttet fra Testenhet 399000012 til Ingrid Haugen", StringComparison.Ordinal));

        await MoveClockToAsync(DeadlineOf(first).AddMinutes(1));
        await EscalateAsync();
        var second = await TaskAsync(created.Id);
        Assert.Equal(lie, second.Owner.Reference);
        Assert.Equal(WorkItemTasks.EscalatedToTarget, WorkItemTasks.Escalation(second));
        Assert.Equal(2, second.Note.Count);

        await MoveClockToAsync(DeadlineOf(second).AddMinutes(1));
        await EscalateAsync();
        Assert.Equal(second.Meta.VersionId, (await TaskAsync(created.Id)).Meta.VersionId);

        // Who had it when: one version per owner.
        var history = await (await Client.GetAsync($"Task/{created.Id}/_history")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal([lie, haugen, unit], history.Entry.Select(e => ((FhirTask)e.Resource).Owner.Reference));

        // Each move is in the patient's access log as the worker's own write.
        var log = await (await Client.GetAsync($"Patient/{patient.Id}/$access-log")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(2, log.Entry.Select(e => (AuditEvent)e.Resource)
            .Count(a => a.Agent[0].Name == WorkItemEscalation.WorkerName && a.Subtype.Any(s => s.Code == "update")));
    }

    [Fact]
    public async Task An_item_whose_owner_acts_before_the_deadline_is_not_moved()
    {
        var patient = await CreateAsync(NewPatient());
        var created = await PostAsync(WorkItem(WorkItemTypes.MessageToRead, patient.Id, await UnitAsync(WorkItemHostSetup.EscalationTestUnit)));
        created.Status = FhirTask.TaskStatus.Completed;
        await (await Client.PutAsync($"Task/{created.Id}", FhirClientExtensions.Json(created))).ExpectAsync<FhirTask>(HttpStatusCode.OK);

        await MoveClockToAsync(DeadlineOf(created).AddDays(1));
        await EscalateAsync();

        Assert.Equal("2", (await TaskAsync(created.Id)).Meta.VersionId);
    }

    [Fact]
    public async Task Queue_health_counts_open_overdue_and_escalated_items_per_queue_and_names_who_answers_for_it()
    {
        var patient = await CreateAsync(NewPatient());
        var unit = await UnitAsync(WorkItemHostSetup.QueueTestUnit);
        var start = Time.GetUtcNow();
        var stat = WorkItem(WorkItemTypes.ResultSignOff, patient.Id, unit);
        stat.Priority = RequestPriority.Stat;
        await PostAsync(stat);
        await PostAsync(WorkItem(WorkItemTypes.ResultSignOff, patient.Id, unit));
        var toSign = await PostAsync(WorkItem(WorkItemTypes.ResultSignOff, patient.Id, unit));
        await PostAsync(WorkItem(WorkItemTypes.Referral, patient.Id, unit));

        var queue = await QueueAsync(WorkItemTypes.ResultSignOff, unit);
        Assert.Equal((3, 0, 0), Counts(queue));
        Assert.Equal(await PractitionerAsync("9100101"), ((ResourceReference)Part(queue, "responsible")).Reference);
        Assert.Equal(await PractitionerAsync("9100103"), ((ResourceReference)Part(queue, "escalationTarget")).Reference);
        Assert.Equal("doctor", ((Coding)Part(queue, "role")).Code);
        Assert.Equal(1, Counts(await QueueAsync(WorkItemTypes.Referral, unit)).Open);
        Assert.Equal(0, Counts(await QueueAsync(WorkItemTypes.MessageToRead, unit)).Open);

        await MoveClockToAsync(start.AddHours(2).AddMinutes(1));
        queue = await QueueAsync(WorkItemTypes.ResultSignOff, unit);
        Assert.Equal((3, 1, 0), Counts(queue));
        Assert.Equal(121m, ((Duration)Part(queue, "oldestAge")).Value);

        await EscalateAsync();
        Assert.Equal((3, 0, 1), Counts(await QueueAsync(WorkItemTypes.ResultSignOff, unit)));

        using var haugen = await Host.ClientForAsync("haugen");
        await (await haugen.PostAsync($"Task/{toSign.Id}/$sign", null)).ExpectAsync<FhirTask>(HttpStatusCode.OK);
        Assert.Equal((2, 0, 1), Counts(await QueueAsync(WorkItemTypes.ResultSignOff, unit)));
    }

    [Fact]
    public async Task A_citizen_can_neither_read_queue_health_nor_a_worklist_and_staff_can()
    {
        var citizen = DemoUsers.Citizens(DateOnly.FromDateTime(DateTime.UtcNow))[0].Username;
        using var patient = await Host.ClientForAsync(citizen, "patient/*.rs");
        await (await patient.GetAsync("$queue-health")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        await (await patient.GetAsync("$my-work")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        using var nurse = await Host.ClientForAsync("strand");
        var report = await (await nurse.GetAsync("$queue-health")).ExpectAsync<Parameters>(HttpStatusCode.OK);
        Assert.True(report.Parameter.Count(p => p.Name == "queue") >= WorkItemTypes.All.Count * 6);
        await (await nurse.GetAsync("$my-work")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        await (await Client.GetAsync("$queue-health")).ExpectAsync<Parameters>(HttpStatusCode.OK);
    }

    private async Task<Parameters.ParameterComponent> QueueAsync(string type, string unit)
    {
        var report = await (await Client.GetAsync("$queue-health")).ExpectAsync<Parameters>(HttpStatusCode.OK);
        return Assert.Single(report.Parameter, p => p.Name == "queue"
            && ((Coding)Part(p, "type")).Code == type && ((ResourceReference)Part(p, "unit")).Reference == unit);
    }

    private static DataType Part(Parameters.ParameterComponent queue, string name) => queue.Part.Single(p => p.Name == name).Value;

    private static (int Open, int Overdue, int Escalated) Counts(Parameters.ParameterComponent queue) =>
        (((Integer)Part(queue, "open")).Value!.Value, ((Integer)Part(queue, "overdue")).Value!.Value, ((Integer)Part(queue, "escalated")).Value!.Value);
}

public sealed class WorkItemEscalationOnSqlite(WorkItemSqliteHost host) : EscalationBehaviour(host, host.Time), IClassFixture<WorkItemSqliteHost>;

public sealed class WorkItemEscalationOnPostgres(WorkItemPostgresHost host) : EscalationBehaviour(host, host.Time), IClassFixture<WorkItemPostgresHost>;
