using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Samjournal.Clinical.WorkItems;
using Samjournal.Tests.Infrastructure;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Tests.WorkItems;

/// <summary>No work item is ever stored without an owner and a deadline: a route fills them in on
/// every path, or the write is refused and nothing changes.</summary>
public abstract class RoutingBehaviour(SamjournalHost host, FakeTimeProvider time) : WorkItemTestBase(host, time)
{
    private const string MedicalWard = "310900117";

    [Fact]
    public async Task Every_work_item_type_written_over_REST_without_a_deadline_gets_the_route_s_owner_deadline_and_people()
    {
        var patient = await CreateAsync(NewPatient());
        var ward = await OrganisationAsync(MedicalWard);
        var haugen = await PractitionerAsync("9100101");
        var lie = await PractitionerAsync("9100103");
        foreach (var type in WorkItemTypes.All)
        {
            var created = await PostAsync(WorkItem(type, patient.Id, ward));

            Assert.Equal(ward, created.Owner.Reference);
            Assert.Equal(ward, Ref(created, WorkItemTasks.QueueUrl));
            var route = type == WorkItemTypes.MessageToRead ? ("9100102", "nurse") : type == WorkItemTypes.EmergencyAccessReview ? ("9100103", "unit-leader") : ("9100101", "doctor");
            Assert.Equal(await PractitionerAsync(route.Item1), Ref(created, WorkItemTasks.ResponsibleUrl));
            Assert.Equal(route.Item2, created.PerformerType[0].Coding[0].Code);
            var expected = type switch
            {
                WorkItemTypes.Referral => TimeSpan.FromDays(10),
                WorkItemTypes.MessageToRead => TimeSpan.FromDays(2),
                _ => TimeSpan.FromDays(3),
            };
            Assert.Equal(expected, DeadlineOf(created) - AuthoredOn(created));
        }

        Assert.NotEqual(haugen, lie);
    }

    [Fact]
    public async Task A_work_item_in_a_transaction_without_an_owner_is_owned_by_the_unit_it_names_and_given_a_deadline()
    {
        var patient = await CreateAsync(NewPatient());
        var homeCare = await OrganisationAsync("310900303");
        var encounter = await PostAsync(new Encounter
        {
            Status = Encounter.EncounterStatus.InProgress,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "HH"),
            Subject = new ResourceReference("Patient/" + patient.Id),
            ServiceProvider = new ResourceReference(homeCare),
        });
        var byRecipient = WorkItem(WorkItemTypes.MessageToRead, patient.Id);
        byRecipient.Restriction = new FhirTask.RestrictionComponent { Recipient = [new ResourceReference(homeCare)] };
        var byEncounter = WorkItem(WorkItemTypes.Reconciliation, patient.Id);
        byEncounter.Encounter = new ResourceReference("Encounter/" + encounter.Id);
        byEncounter.Priority = RequestPriority.Stat;
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new() { Resource = byRecipient, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Task" } },
                new() { Resource = byEncounter, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Task" } },
            ],
        };

        var response = await (await Client.PostAsync("", FhirClientExtensions.Json(bundle))).ExpectAsync<Bundle>(HttpStatusCode.OK);

        foreach (var entry in response.Entry)
        {
            var task = await TaskAsync(entry.Response.Location.Split("/_history")[0]);
            Assert.Equal(homeCare, task.Owner.Reference);
            Assert.Equal(await PractitionerAsync("91000302"), Ref(task, WorkItemTasks.ResponsibleUrl));
            Assert.Equal(await PractitionerAsync("91000301"), Ref(task, WorkItemTasks.EscalationTargetUrl));
            Assert.Equal(task.Priority == RequestPriority.Stat ? TimeSpan.FromHours(2) : TimeSpan.FromDays(2), DeadlineOf(task) - AuthoredOn(task));
        }
    }

    [Fact]
    public async Task A_work_item_for_a_unit_without_a_route_or_without_any_unit_is_refused_on_every_path_and_nothing_is_stored()
    {
        var patient = await CreateAsync(NewPatient());
        var unrouted = await UnitAsync("399999999");

        await AssertRefusedWithoutChangeAsync(
            () => Client.PostAsync("Task", FhirClientExtensions.Json(WorkItem(WorkItemTypes.Referral, patient.Id, unrouted))),
            HttpStatusCode.UnprocessableEntity, "No work-item route for 'referral' at unit 399999999");
        await AssertRefusedWithoutChangeAsync(
            () => Client.PostAsync("Task", FhirClientExtensions.Json(WorkItem(WorkItemTypes.ResultSignOff, patient.Id))),
            HttpStatusCode.UnprocessableEntity, "needs a receiving unit");

        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new() { Resource = WorkItem(WorkItemTypes.Referral, patient.Id, await OrganisationAsync(MedicalWard)), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Task" } },
                new() { Resource = WorkItem(WorkItemTypes.MessageToRead, patient.Id, unrouted), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Task" } },
            ],
        };
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(bundle)), HttpStatusCode.UnprocessableEntity, "No work-item route for 'message-to-read'");
    }

    [Fact]
    public async Task Replacing_a_work_item_without_its_owner_and_deadline_keeps_them()
    {
        var patient = await CreateAsync(NewPatient());
        var created = await PostAsync(WorkItem(WorkItemTypes.Referral, patient.Id, await OrganisationAsync("310900508")));
        var bare = WorkItem(WorkItemTypes.Referral, patient.Id);
        bare.Id = created.Id;
        bare.Status = FhirTask.TaskStatus.Accepted;

        var updated = await (await Client.PutAsync($"Task/{created.Id}", FhirClientExtensions.Json(bare))).ExpectAsync<FhirTask>(HttpStatusCode.OK);

        Assert.Equal(created.Owner.Reference, updated.Owner.Reference);
        Assert.Equal(DeadlineOf(created), DeadlineOf(updated));
        Assert.Equal(Ref(created, WorkItemTasks.ResponsibleUrl), Ref(updated, WorkItemTasks.ResponsibleUrl));
    }

    [Fact]
    public async Task A_patch_that_removes_the_owner_and_the_deadline_does_not_make_the_item_unowned()
    {
        var patient = await CreateAsync(NewPatient());
        var created = await PostAsync(WorkItem(WorkItemTypes.MessageToRead, patient.Id, await OrganisationAsync("310900605")));
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"Task/{created.Id}")
        {
            Content = FhirClientExtensions.Json("""[{"op":"remove","path":"/owner"},{"op":"remove","path":"/restriction"}]""", "application/json-patch+json"),
        };

        var patched = await (await Client.SendAsync(patch)).ExpectAsync<FhirTask>(HttpStatusCode.OK);

        Assert.Equal(created.Owner.Reference, patched.Owner.Reference);
        Assert.Equal(DeadlineOf(created), DeadlineOf(patched));
    }

    [Fact]
    public async Task An_emergency_access_review_gets_its_route_deadline_and_responsible_unit_leader()
    {
        var patient = await CreateAsync(NewPatient());
        using var surgeon = await Host.ClientForAsync("berg");
        var request = new Parameters();
        request.Add("reason", new Code("acute-care"));
        request.Add("text", new FhirString("Brought in unconscious after a fall, no referral yet"));

        var granted = await (await surgeon.PostAsync($"Patient/{patient.Id}/$emergency-access", FhirClientExtensions.Json(request))).ExpectAsync<Parameters>(HttpStatusCode.Created);

        var task = await TaskAsync(((ResourceReference)granted.GetSingleValue<DataType>("task")).Reference);
        Assert.Equal(await OrganisationAsync("310900125"), task.Owner.Reference);
        Assert.Equal(TimeSpan.FromDays(1), DeadlineOf(task) - AuthoredOn(task));
        Assert.Equal(await PractitionerAsync("9100103"), Ref(task, WorkItemTasks.ResponsibleUrl));
        Assert.Equal(await PractitionerAsync("9100201"), Ref(task, WorkItemTasks.EscalationTargetUrl));
    }
}

public sealed class WorkItemRoutingOnSqlite(WorkItemSqliteHost host) : RoutingBehaviour(host, host.Time), IClassFixture<WorkItemSqliteHost>;

public sealed class WorkItemRoutingOnPostgres(WorkItemPostgresHost host) : RoutingBehaviour(host, host.Time), IClassFixture<WorkItemPostgresHost>;
