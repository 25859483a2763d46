using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Samjournal.Clinical.WorkItems;
using Samjournal.Tests.Access;
using Samjournal.Tests.Infrastructure;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Tests.WorkItems;

/// <summary>What work-item tests share: the moved clock, demo staff and units by their national
/// identifiers, and reading work items back as the system client.</summary>
public abstract class WorkItemTestBase(SamjournalHost host, FakeTimeProvider time) : AccessTestBase(host)
{
    protected FakeTimeProvider Time => time;

    /// <summary>Moves the host's clock to <paramref name="when"/>. Tokens expire by that clock too, so
    /// the system client signs in again.</summary>
    protected async Task MoveClockToAsync(DateTimeOffset when)
    {
        time.SetUtcNow(when);
        var token = await Host.TokenAsync(new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = SamjournalHost.DemoClientId,
            ["client_secret"] = SamjournalHost.DemoClientSecret,
            ["scope"] = "system/*.cruds",
        });
        Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Runs one escalation pass, as the worker's timer would.</summary>
    protected Task<int> EscalateAsync() => Host.Services.GetRequiredService<WorkItemEscalation>().RunOnceAsync(CancellationToken.None);

    protected async Task<string> PractitionerAsync(string hpr) => "Practitioner/" + await IdOfAsync($"Practitioner?identifier={HprSystem}|{hpr}");

    /// <summary>The unit with this organisation number, made if the record has none yet.</summary>
    protected async Task<string> UnitAsync(string number)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "Organization")
        {
            Content = FhirClientExtensions.Json(new Organization { Identifier = [new Identifier(OrganisationSystem, number)], Name = "Testenhet " + number, Active = true }),
        };
        request.Headers.Add("If-None-Exist", $"identifier={OrganisationSystem}|{number}");
        (await Client.SendAsync(request)).EnsureSuccessStatusCode();
        return await OrganisationAsync(number);
    }

    protected async Task<FhirTask> TaskAsync(string id) =>
        await (await Client.GetAsync(id.StartsWith("Task/", StringComparison.Ordinal) ? id : "Task/" + id)).ExpectAsync<FhirTask>(HttpStatusCode.OK);

    protected async Task<List<FhirTask>> SignOffsOfAsync(string result)
    {
        var bundle = await (await Client.GetAsync($"Task?focus={result}&code={WorkItemTypes.System}|{WorkItemTypes.ResultSignOff}")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        return [.. bundle.Entry.Select(e => e.Resource).OfType<FhirTask>()];
    }

    protected static FhirTask WorkItem(string type, string patientId, string? owner = null) => new()
    {
        Status = FhirTask.TaskStatus.Requested,
        Intent = FhirTask.TaskIntent.Order,
        Code = new CodeableConcept(WorkItemTypes.System, type),
        For = new ResourceReference("Patient/" + patientId),
        Owner = owner is null ? null : new ResourceReference(owner),
    };

    protected static DateTimeOffset DeadlineOf(FhirTask task) => WorkItemTasks.Deadline(task) ?? throw new Xunit.Sdk.XunitException($"Task/{task.Id} has no deadline.");

    protected static DateTimeOffset AuthoredOn(FhirTask task) => task.AuthoredOnElement.ToDateTimeOffset(TimeSpan.Zero);

    protected static string? Ref(FhirTask task, string url) => WorkItemTasks.Reference(task, url)?.Reference;
}
