using System.Globalization;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Serialization;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.FhirApi;

/// <summary>The FHIR R4 REST API at /fhir (http.html): instance, type and system interactions.</summary>
internal static class FhirEndpoints
{
    public static void MapFhirApi(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir").WithTags("FHIR");

        fhir.MapGet("/metadata", (HttpContext http, CapabilityStatementBuilder capabilities, ScopedRepository repo) =>
            FhirHttp.WriteResourceAsync(http, capabilities.Build(FhirHttp.BaseUrl(http.Request), repo.SearchParameters))).WithName("capabilities");

        fhir.MapPost("/", ProcessBundle).WithName("batch-transaction");
        fhir.MapGet("/_history", (HttpContext http, ScopedRepository repo) => History(http, repo, null, null)).WithName("history-system");

        fhir.MapGet("/{type}", SearchEndpoints.Get).WithName("search-type");
        fhir.MapPost("/{type}/_search", SearchEndpoints.Post).WithName("search-type-post");
        fhir.MapPost("/{type}", Create).WithName("create");
        fhir.MapPut("/{type}", ConditionalUpdate).WithName("conditional-update");
        fhir.MapDelete("/{type}", ConditionalDelete).WithName("conditional-delete");
        fhir.MapGet("/{type}/_history", (HttpContext http, ScopedRepository repo, string type) => History(http, repo, type, null)).WithName("history-type");
        fhir.MapPost("/{type}/$validate", ValidationEndpoints.ValidateType).WithName("validate-type");

        fhir.MapGet("/{type}/{id}", Read).WithName("read");
        fhir.MapPut("/{type}/{id}", Update).WithName("update");
        fhir.MapDelete("/{type}/{id}", Delete).WithName("delete");
        fhir.MapPatch("/{type}/{id}", Patch).WithName("patch");
        fhir.MapGet("/{type}/{id}/$validate", ValidationEndpoints.ValidateInstance).WithName("validate-instance");
        fhir.MapPost("/{type}/{id}/$validate", ValidationEndpoints.ValidateInstance).WithName("validate-instance-post");
        fhir.MapGet("/{type}/{id}/_history", (HttpContext http, ScopedRepository repo, string type, string id) => History(http, repo, type, id)).WithName("history-instance");
        fhir.MapGet("/{type}/{id}/_history/{vid}", VRead).WithName("vread");
        fhir.MapGet("/SearchParameter/{id}/$reindex-status", ReindexEndpoints.Status).WithName("reindex-status");

        // Resource types start with a capital letter; _history and $validate never match here.
        fhir.MapGet("/Patient/{id}/{type:regex(^[A-Z][A-Za-z]+$)}", SearchEndpoints.GetInPatientCompartment).WithName("search-compartment");
        fhir.MapPatientEverything();
        fhir.MapAuditTrail();
        fhir.MapMedicationList();
        fhir.MapSummaries();
        fhir.MapMedicationChecks();
        fhir.MapWorkItems();
        fhir.MapMessaging();
    }

    private static async Task Read(HttpContext http, ScopedRepository repo, string type, string id)
    {
        var stored = await repo.ReadAsync(type, id, http.RequestAborted);
        FhirHttp.SetVersionHeaders(http.Response, stored);
        await FhirHttp.WriteStoredAsync(http, stored);
    }

    private static async Task VRead(HttpContext http, ScopedRepository repo, string type, string id, string vid)
    {
        if (!int.TryParse(vid, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            throw FhirError.NotFound($"'{vid}' is not a version of {type}/{id}; versions are numbered from 1.");
        }

        var stored = await repo.VReadAsync(type, id, version, http.RequestAborted);
        FhirHttp.SetVersionHeaders(http.Response, stored);
        await FhirHttp.WriteStoredAsync(http, stored);
    }

    private static async Task Create(HttpContext http, ScopedRepository repo, string type)
    {
        var resource = await FhirHttp.ReadResourceAsync(http.Request, http.RequestAborted);
        if (resource.TypeName != type)
        {
            throw FhirError.BadRequest($"The body is a {resource.TypeName}, but it was posted to /{type}.", "Resource.resourceType");
        }

        var ifNoneExist = http.Request.Headers["If-None-Exist"].ToString();
        var outcome = await repo.CreateAsync(resource, ifNoneExist.Length == 0 ? null : ifNoneExist, http.RequestAborted);
        await WriteOutcomeAsync(http, outcome);
    }

    private static async Task Update(HttpContext http, ScopedRepository repo, string type, string id)
    {
        var resource = await FhirHttp.ReadResourceAsync(http.Request, http.RequestAborted);
        var outcome = await repo.UpdateAsync(type, id, resource, FhirHttp.IfMatch(http.Request), http.RequestAborted);
        await WriteOutcomeAsync(http, outcome);
    }

    private static async Task ConditionalUpdate(HttpContext http, ScopedRepository repo, string type)
    {
        var criteria = RequireCriteria(http, "conditional update");
        var resource = await FhirHttp.ReadResourceAsync(http.Request, http.RequestAborted);
        if (resource.TypeName != type)
        {
            throw FhirError.BadRequest($"The body is a {resource.TypeName}, but the URL names {type}.", "Resource.resourceType");
        }

        var outcome = await repo.ConditionalUpdateAsync(type, criteria, resource, FhirHttp.IfMatch(http.Request), http.RequestAborted);
        await WriteOutcomeAsync(http, outcome);
    }

    private static async Task Delete(HttpContext http, ScopedRepository repo, string type, string id)
    {
        var outcome = await repo.DeleteAsync(type, id, FhirHttp.IfMatch(http.Request), http.RequestAborted);
        WriteDeleted(http, outcome);
    }

    private static async Task ConditionalDelete(HttpContext http, ScopedRepository repo, string type)
    {
        var outcome = await repo.ConditionalDeleteAsync(type, RequireCriteria(http, "conditional delete"), http.RequestAborted);
        WriteDeleted(http, outcome);
    }

    private static void WriteDeleted(HttpContext http, WriteOutcome outcome)
    {
        if (outcome.Version is { } tombstone)
        {
            http.Response.Headers.ETag = $"W/\"{tombstone.Version.ToString(CultureInfo.InvariantCulture)}\"";
        }

        http.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task Patch(HttpContext http, ScopedRepository repo, string type, string id)
    {
        var body = await FhirHttp.ReadBodyAsync(http.Request, http.RequestAborted);
        var mediaType = (http.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        PatchDocument patch = mediaType switch
        {
            "application/json-patch+json" => new JsonPatchDocument(ParseJsonPatch(body)),
            _ => new FhirPathPatchDocument(FhirFormat.Parse<Parameters>(body, FhirHttp.RequestFormat(http.Request))),
        };
        var outcome = await repo.PatchAsync(type, id, patch, FhirHttp.IfMatch(http.Request), http.RequestAborted);
        await WriteOutcomeAsync(http, outcome);
    }

    private static JsonNode ParseJsonPatch(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body) ?? throw FhirError.BadRequest("The JSON Patch document is empty.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw FhirError.BadRequest("The JSON Patch document is not valid JSON: " + e.Message);
        }
    }

    private static async Task ProcessBundle(HttpContext http, ScopedRepository repo)
    {
        var resource = await FhirHttp.ReadResourceAsync(http.Request, http.RequestAborted);
        if (resource is not Bundle bundle)
        {
            throw FhirError.BadRequest($"Only a batch or transaction Bundle can be posted to the base; this is a {resource.TypeName}.", "Resource.resourceType");
        }

        await Auth.FhirAccessGate.CheckBundleAsync(http, bundle);

        var response = await repo.ProcessBundleAsync(bundle, FhirHttp.BaseUrl(http.Request), FhirHttp.PrefersStrictHandling(http.Request), http.RequestAborted);
        await FhirHttp.WriteResourceAsync(http, response);
    }

    private static async Task History(HttpContext http, ScopedRepository repo, string? type, string? id)
    {
        var query = HistoryRequest.Parse(http.Request, type, id);
        var page = await repo.HistoryAsync(query, http.RequestAborted);
        await FhirHttp.WriteResourceAsync(http, HistoryRequest.ToBundle(http.Request, page));
    }

    private static string RequireCriteria(HttpContext http, string interaction)
    {
        var query = http.Request.QueryString.Value?.TrimStart('?') ?? "";
        var criteria = string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("_format=", StringComparison.Ordinal)));
        return criteria.Length > 0
            ? criteria
            : throw FhirError.BadRequest($"A {interaction} needs search criteria in the URL (for example ?identifier=system|value).");
    }

    /// <summary>Answers a write as the client's Prefer header asks.</summary>
    private static async Task WriteOutcomeAsync(HttpContext http, WriteOutcome outcome)
    {
        var status = (int)outcome.Status;
        var version = outcome.Version!;
        FhirHttp.SetVersionHeaders(http.Response, version, location: status == StatusCodes.Status201Created);
        switch (FhirHttp.ReturnPreference(http.Request))
        {
            case "minimal":
                http.Response.StatusCode = status;
                break;
            case "operationoutcome":
                await FhirHttp.WriteResourceAsync(http, Information($"{version.Type}/{version.Id} is at version {version.Version}."), status);
                break;
            default:
                if (outcome.Resource is not null)
                {
                    await FhirHttp.WriteResourceAsync(http, outcome.Resource, status);
                }
                else
                {
                    await FhirHttp.WriteStoredAsync(http, version, status);
                }

                break;
        }
    }

    private static OperationOutcome Information(string text) => new()
    {
        Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Information, Code = OperationOutcome.IssueType.Informational, Diagnostics = text }],
    };
}
