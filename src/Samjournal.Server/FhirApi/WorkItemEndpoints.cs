using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Clinical.WorkItems;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.FhirApi;

/// <summary>
/// Work items over FHIR.
/// <list type="bullet">
/// <item><c>GET /fhir/$my-work</c>: the signed-in person's open work items (owned by them, or by
/// their unit for their role), most urgent first, as a searchset Bundle of Tasks. Staff only.</item>
/// <item><c>POST /fhir/Task/{id}/$sign</c>, optional Parameters body with <c>note</c> (valueString):
/// signs (completes) a work item; answers with the completed Task. Only its owner, the queue's
/// responsible person or its escalation target.</item>
/// <item><c>POST /fhir/Task/{id}/$accept</c> and <c>$reject</c> (Parameters <c>reason</c>, required to
/// reject): the receiving unit answers a referral work item; accepting starts the care relation.</item>
/// <item><c>GET /fhir/$queue-health</c>: a Parameters with <c>generatedAt</c> and one <c>queue</c>
/// per (work-item type, receiving unit), whose parts are <c>type</c> (valueCoding), <c>unit</c>,
/// <c>responsible</c>, <c>escalationTarget</c> (valueReference), <c>role</c> (valueCoding),
/// <c>open</c>, <c>overdue</c>, <c>escalated</c> (valueInteger) and, when anything is open,
/// <c>oldestAge</c> (valueDuration in minutes). Staff and system callers; citizens get 403.</item>
/// </list>
/// </summary>
internal static class WorkItemEndpoints
{
    public static void MapWorkItems(this IEndpointRouteBuilder fhir)
    {
        fhir.MapGet("/$my-work", MyWorkAsync).WithName("my-work");
        fhir.MapPost("/Task/{id}/$sign", SignAsync).WithName("work-item-sign");
        fhir.MapGet("/$queue-health", QueueHealthAsync).WithName("queue-health");
        fhir.MapPost("/Task/{id}/$accept", (HttpContext http, ScopedRepository repo, WorkItemDesk desk, string id) => AnswerAsync(http, repo, desk, id, true)).WithName("referral-accept");
        fhir.MapPost("/Task/{id}/$reject", (HttpContext http, ScopedRepository repo, WorkItemDesk desk, string id) => AnswerAsync(http, repo, desk, id, false)).WithName("referral-reject");
    }

    private static async System.Threading.Tasks.Task AnswerAsync(HttpContext http, ScopedRepository repo, WorkItemDesk desk, string id, bool accept)
    {
        string? reason = null;
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            var body = await FhirHttp.ReadResourceAsync(http.Request, http.RequestAborted);
            reason = body is Parameters given
                ? given.GetSingleValue<FhirString>("reason")?.Value
                : throw FhirError.BadRequest($"${(accept ? "accept" : "reject")} takes an optional Parameters body with a 'reason' (valueString); this is a {body.TypeName}.", "Resource.resourceType");
        }

        var answered = await desk.AnswerReferralAsync(repo.Caller, id, accept, reason, http.RequestAborted);
        FhirHttp.SetVersionHeaders(http.Response, answered);
        await FhirHttp.WriteStoredAsync(http, answered);
    }

    private static async System.Threading.Tasks.Task MyWorkAsync(HttpContext http, ScopedRepository repo, WorkItemDesk desk)
    {
        var tasks = await desk.MyWorkAsync(repo.Caller, http.RequestAborted);
        var baseUrl = FhirHttp.BaseUrl(http.Request);
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = tasks.Count };
        foreach (var task in tasks)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/Task/{task.Id}",
                Resource = task,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }

        await FhirHttp.WriteResourceAsync(http, bundle);
    }

    private static async System.Threading.Tasks.Task SignAsync(HttpContext http, ScopedRepository repo, WorkItemDesk desk, string id)
    {
        string? note = null;
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            var body = await FhirHttp.ReadResourceAsync(http.Request, http.RequestAborted);
            note = body is Parameters given
                ? given.GetSingleValue<FhirString>("note")?.Value
                : throw FhirError.BadRequest($"$sign takes an optional Parameters body with a 'note' (valueString); this is a {body.TypeName}.", "Resource.resourceType");
        }

        var signed = await desk.SignAsync(repo.Caller, id, note, http.RequestAborted);
        FhirHttp.SetVersionHeaders(http.Response, signed);
        await FhirHttp.WriteStoredAsync(http, signed);
    }

    private static async System.Threading.Tasks.Task QueueHealthAsync(HttpContext http, ScopedRepository repo, WorkItemDesk desk, TimeProvider time)
    {
        var queues = await desk.QueueHealthAsync(repo.Caller, http.RequestAborted);
        var result = new Parameters();
        result.Add("generatedAt", new FhirDateTime(time.GetUtcNow()));
        foreach (var queue in queues)
        {
            var parts = new List<Parameters.ParameterComponent>
            {
                new() { Name = "type", Value = new Coding(WorkItemTypes.System, queue.Type, WorkItemTypes.Display(queue.Type)) },
                new() { Name = "unit", Value = queue.Unit },
            };
            if (queue.Role is { } role)
            {
                parts.Add(new() { Name = "role", Value = new Coding(WorkItemTasks.RoleSystem, role) });
            }

            if (queue.Responsible is { } responsible)
            {
                parts.Add(new() { Name = "responsible", Value = responsible });
            }

            if (queue.EscalationTarget is { } target)
            {
                parts.Add(new() { Name = "escalationTarget", Value = target });
            }

            parts.Add(new() { Name = "open", Value = new Integer(queue.Open) });
            parts.Add(new() { Name = "overdue", Value = new Integer(queue.Overdue) });
            parts.Add(new() { Name = "escalated", Value = new Integer(queue.Escalated) });
            if (queue.OldestAge is { } age)
            {
                parts.Add(new()
                {
                    Name = "oldestAge",
                    Value = new Duration { Value = (decimal)Math.Floor(age.TotalMinutes), Unit = "min", System = "http://unitsofmeasure.org", Code = "min" },
                });
            }

            result.Parameter.Add(new Parameters.ParameterComponent { Name = "queue", Part = parts });
        }

        await FhirHttp.WriteResourceAsync(http, result);
    }
}
