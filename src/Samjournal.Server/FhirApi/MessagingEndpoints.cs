using System.Globalization;
using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Clinical.Messaging;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.FhirApi;

/// <summary>
/// Messaging over FHIR.
/// <list type="bullet">
/// <item><c>POST /fhir/$process-message</c>: another system delivers a FHIR message (Bundle of type
/// message). System clients only (SMART Backend Services). A clinical message answers 202 with an
/// OperationOutcome: it is stored and its receipt (AppRec) follows as its own message; a receipt or
/// referral answer answers 200. A duplicate is taken once. A message that is not a FHIR message, or
/// whose sender is not in the address directory, gets 400/422 and changes nothing.</item>
/// <item><c>GET /fhir/$message-reconciliation?organization={orgnr}&amp;date=YYYY-MM-DD</c>: the day's
/// reconciliation for an organisation, as Parameters (<c>organization</c>, <c>date</c>,
/// <c>created</c>, <c>delivered</c>, <c>rejectedHandled</c>, <c>inFlight</c>, <c>unaccounted</c>
/// (count and one <c>message</c> reference each), <c>balanced</c>). Staff and system callers.</item>
/// </list>
/// </summary>
internal static class MessagingEndpoints
{
    public static IReadOnlyList<CapabilityStatement.OperationComponent> SystemOperations { get; } =
    [
        new() { Name = "process-message", Definition = "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message" },
        new() { Name = "message-reconciliation", Definition = "https://samjournal.no/fhir/OperationDefinition/message-reconciliation" },
    ];

    public static void MapMessaging(this IEndpointRouteBuilder fhir)
    {
        fhir.MapPost("/$process-message", ProcessMessageAsync).WithName("process-message");
        fhir.MapGet("/$message-reconciliation", ReconciliationAsync).WithName("message-reconciliation");
    }

    private static async System.Threading.Tasks.Task ProcessMessageAsync(HttpContext http, ScopedRepository repo, MessageInbox inbox)
    {
        if (repo.Caller.Kind != CallerKind.System)
        {
            throw FhirError.Forbidden("$process-message takes messages from other systems (SMART Backend Services clients), not from people.");
        }

        var body = await FhirHttp.ReadResourceAsync(http.Request, http.RequestAborted);
        var answer = await inbox.ReceiveAsync(body, http.RequestAborted);
        await FhirHttp.WriteResourceAsync(http, new OperationOutcome
        {
            Issue =
            [
                new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Information,
                    Code = OperationOutcome.IssueType.Informational,
                    Diagnostics = answer.Text,
                },
            ],
        }, answer.Status);
    }

    private static async System.Threading.Tasks.Task ReconciliationAsync(HttpContext http, ScopedRepository repo, MessageReconciliation reconciliation)
    {
        if (repo.Caller.Kind == CallerKind.Citizen)
        {
            throw FhirError.Forbidden("The message reconciliation is for staff and systems.");
        }

        var organisation = http.Request.Query["organization"].ToString();
        if (organisation.Length == 0)
        {
            throw FhirError.BadRequest("$message-reconciliation needs 'organization': the organisation number whose messages are reconciled.", "organization");
        }

        var dateText = http.Request.Query["date"].ToString();
        if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            throw FhirError.BadRequest($"$message-reconciliation needs 'date' as YYYY-MM-DD (the UTC day reconciled); got '{dateText}'.", "date");
        }

        var report = await reconciliation.ReportAsync(repo, organisation, day, http.RequestAborted);
        var result = new Parameters();
        result.Add("organization", new Identifier(Samjournal.Clinical.Identifiers.NorwegianSystems.Organisasjonsnummer, report.Organisation));
        result.Add("date", new Date(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        result.Add("created", new Integer(report.Created));
        result.Add("delivered", new Integer(report.Delivered));
        result.Add("rejectedHandled", new Integer(report.RejectedHandled));
        result.Add("inFlight", new Integer(report.InFlight));
        result.Parameter.Add(new Parameters.ParameterComponent
        {
            Name = "unaccounted",
            Value = new Integer(report.Unaccounted.Count),
            Part = report.Unaccounted.Select(m => new Parameters.ParameterComponent { Name = "message", Value = new ResourceReference(m) }).ToList(),
        });
        result.Add("balanced", new FhirBoolean(report.Balanced));
        await FhirHttp.WriteResourceAsync(http, result);
    }
}
