using System.Globalization;
using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.FhirApi;

/// <summary>
/// The audit trail over FHIR. <c>GET /fhir/Patient/{id}/$access-log</c>: who accessed the
/// patient's record (pasientjournalloven § 18), as a Bundle of AuditEvents shaped after IHE
/// BALP, newest first, paged with <c>_count</c> and a next link. <c>GET|POST
/// /fhir/$verify-audit-trail</c>: recomputes the hash chain and returns a Parameters resource
/// with <c>intact</c>, <c>linked</c>, <c>pending</c>, and where it breaks <c>brokenAt</c> and
/// <c>problem</c>, plus the chain head (<c>headPosition</c>, <c>headHash</c>) to keep elsewhere.
/// </summary>
internal static class AuditEndpoints
{
    private const int DefaultCount = 50;
    private const int MaxCount = 500;

    public static void MapAuditTrail(this IEndpointRouteBuilder fhir)
    {
        fhir.MapGet("/Patient/{id}/$access-log", AccessLogAsync).WithName("patient-access-log");
        fhir.MapGet("/$verify-audit-trail", VerifyAsync).WithName("verify-audit-trail");
        fhir.MapPost("/$verify-audit-trail", VerifyAsync).WithName("verify-audit-trail-post");
        fhir.MapPost("/Patient/{id}/$emergency-access", EmergencyAccessAsync).WithName("patient-emergency-access");
        fhir.MapGet("/$emergency-access-reviews", ReviewsAsync).WithName("emergency-access-reviews");
        fhir.MapPost("/Task/{id}/$close-review", CloseReviewAsync).WithName("emergency-access-close-review");
    }

    private static async Task AccessLogAsync(HttpContext http, ScopedRepository repo, string id)
    {
        var count = Number(http.Request, "_count") ?? DefaultCount;
        if (count is < 1 or > MaxCount)
        {
            throw FhirError.BadRequest($"_count must be between 1 and {MaxCount}.", "_count");
        }

        var before = Number(http.Request, "before");
        var page = await repo.AccessLogAsync(id, before, (int)count, http.RequestAborted);
        var self = $"{FhirHttp.BaseUrl(http.Request)}/Patient/{id}/$access-log";
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Link = [new Bundle.LinkComponent { Relation = "self", Url = self + http.Request.QueryString }] };
        if (page.NextBeforeId is { } next)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = $"{self}?_count={count}&before={next}" });
        }

        foreach (var audit in page.Events)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{FhirHttp.BaseUrl(http.Request)}/AuditEvent/{audit.Id}",
                Resource = audit,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }

        await FhirHttp.WriteResourceAsync(http, bundle);
    }

    private static async Task VerifyAsync(HttpContext http, ScopedRepository repo)
    {
        var verdict = await repo.VerifyAuditTrailAsync(http.RequestAborted);
        var parameters = new Parameters();
        parameters.Add("intact", new FhirBoolean(verdict.Intact));
        parameters.Add("linked", WholeNumber(verdict.Linked));
        parameters.Add("pending", WholeNumber(verdict.Pending));
        if (verdict.BrokenAt is { } at)
        {
            parameters.Add("brokenAt", WholeNumber(at));
        }

        if (verdict.Problem is not null)
        {
            parameters.Add("problem", new FhirString(verdict.Problem));
        }

        parameters.Add("headPosition", WholeNumber(verdict.HeadPosition));
        parameters.Add("headHash", new FhirString(verdict.HeadHash));
        await FhirHttp.WriteResourceAsync(http, parameters);
    }

    /// <summary>
    /// <c>POST /fhir/Patient/{id}/$emergency-access</c> with a Parameters body: <c>reason</c> (a code
    /// of the emergency-access-reason list, as valueCode or valueCoding) and <c>text</c> (why, in
    /// words). Answers with the review Task, and <c>until</c>, when access ends.
    /// </summary>
    private static async Task EmergencyAccessAsync(HttpContext http, ScopedRepository repo, string id)
    {
        var body = await FhirHttp.ReadResourceAsync(http.Request, http.RequestAborted);
        if (body is not Parameters given)
        {
            throw FhirError.BadRequest($"$emergency-access takes a Parameters body with reason and text; this is a {body.TypeName}.", "Resource.resourceType");
        }

        var reason = given.GetSingleValue<DataType>("reason") switch
        {
            Code code => code.Value,
            Coding coding => coding.Code,
            _ => throw FhirError.BadRequest("Parameter 'reason' (valueCode or valueCoding from the emergency-access-reason list) is required.", "reason"),
        };
        var text = given.GetSingleValue<FhirString>("text")?.Value ?? "";
        var grant = await repo.RequestEmergencyAccessAsync(id, reason ?? "", text, http.RequestAborted);
        var result = new Parameters();
        result.Add("task", new ResourceReference("Task/" + grant.TaskId));
        result.Add("until", new FhirDateTime(grant.Until));
        await FhirHttp.WriteResourceAsync(http, result, StatusCodes.Status201Created);
    }

    /// <summary><c>GET /fhir/$emergency-access-reviews</c>: the unit leader's open reviews, as a searchset of Tasks.</summary>
    private static async Task ReviewsAsync(HttpContext http, ScopedRepository repo)
    {
        var tasks = await repo.EmergencyAccessReviewsAsync(http.RequestAborted);
        var baseUrl = FhirHttp.BaseUrl(http.Request);
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = tasks.Count };
        foreach (var task in tasks)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/Task/{task.Id}",
                Resource = Samjournal.Fhir.Serialization.FhirFormat.Parse(task.Json!, Samjournal.Fhir.Serialization.FhirMediaType.Json),
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }

        await FhirHttp.WriteResourceAsync(http, bundle);
    }

    /// <summary><c>POST /fhir/Task/{id}/$close-review</c> with a Parameters body holding <c>note</c>.</summary>
    private static async Task CloseReviewAsync(HttpContext http, ScopedRepository repo, string id)
    {
        var body = await FhirHttp.ReadResourceAsync(http.Request, http.RequestAborted);
        var note = (body as Parameters)?.GetSingleValue<FhirString>("note")?.Value
            ?? throw FhirError.BadRequest("$close-review takes a Parameters body with a 'note' (valueString).", "note");
        var outcome = await repo.CloseEmergencyAccessReviewAsync(id, note, http.RequestAborted);
        FhirHttp.SetVersionHeaders(http.Response, outcome.Version!);
        await FhirHttp.WriteStoredAsync(http, outcome.Version!);
    }

    // R4 has no integer64; a position past two billion goes out as a decimal, still exact.
    private static DataType WholeNumber(long value) => value <= int.MaxValue ? new Integer((int)value) : new FhirDecimal(value);

    private static long? Number(HttpRequest request, string name)
    {
        var text = request.Query[name].FirstOrDefault();
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw FhirError.BadRequest($"{name} must be a whole number; '{text}' is not.", name);
    }
}
