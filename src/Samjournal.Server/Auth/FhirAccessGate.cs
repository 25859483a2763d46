using System.Net;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Validation.AspNetCore;
using Samjournal.Access.Audit;
using Samjournal.Access.Repository;
using Samjournal.Server.FhirApi;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.Auth;

/// <summary>
/// Every request under <c>/fhir</c> except the CapabilityStatement needs a valid bearer token (401
/// otherwise) whose SMART scopes cover the interaction (403 otherwise). Both refusals answer with an
/// OperationOutcome and leave an audit record. A batch or transaction passes here on a valid token;
/// its entries are checked one by one where the bundle is read (<see cref="CheckBundleAsync"/>).
/// Whether this caller may see this patient is the access policy's question, asked further in.
/// </summary>
internal static partial class FhirAccessGate
{
    public static IApplicationBuilder UseFhirAccessGate(this IApplicationBuilder app) =>
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/fhir"), fhir => fhir.Use(GuardAsync));

    private static async Task GuardAsync(HttpContext http, RequestDelegate next)
    {
        var path = http.Request.Path.Value!["/fhir".Length..];
        var interaction = FhirInteraction.Classify(http.Request.Method, path);
        if (interaction.IsPublic || path.StartsWith("/.well-known/", StringComparison.Ordinal))
        {
            await next(http);
            return;
        }

        var result = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } principal)
        {
            var reason = TokenProblem.Describe(http.Request.Headers.Authorization.ToString(), result);
            // Set as the response starts: writing the OperationOutcome clears the headers first.
            http.Response.OnStarting(() =>
            {
                http.Response.Headers.WWWAuthenticate = reason.Challenge;
                return Task.CompletedTask;
            });
            await DenyAsync(http, null, interaction, HttpStatusCode.Unauthorized, OperationOutcome.IssueType.Login, reason.Text, reason.Audit);
            return;
        }

        var caller = SignInClaims.ToCaller(principal);
        if (http.Request.Headers[HistoryImport.Header].ToString() is { Length: > 0 } purpose)
        {
            if (purpose != HistoryImport.Purpose || caller.Kind != CallerKind.System)
            {
                await DenyAsync(http, caller, interaction, HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden,
                    $"{HistoryImport.Header} accepts only '{HistoryImport.Purpose}', and only from a system client migrating records from another system.", "history import refused");
                return;
            }

            caller = caller with { Purpose = HistoryImport.Purpose };
        }

        http.User = principal;
        http.Items[RequestCaller.ValidatedItem] = caller;
        if (!interaction.IsBundle && !interaction.AllowedBy(new SmartScopes(caller.Scopes)))
        {
            await DenyAsync(http, caller, interaction, HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden,
                $"The scopes of the token do not allow this: it needs a scope such as user/{interaction.Needed} or system/{interaction.Needed}.", "missing scope");
            return;
        }

        await next(http);
    }

    /// <summary>Each entry of a batch or transaction needs the scope its own interaction would need
    /// on its own; one entry outside the scopes refuses the whole bundle, before anything is written.</summary>
    public static async Task CheckBundleAsync(HttpContext http, Bundle bundle)
    {
        if (!http.Items.TryGetValue(RequestCaller.ValidatedItem, out var item) || item is not Caller caller)
        {
            return;
        }

        var scopes = new SmartScopes(caller.Scopes);
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            var request = bundle.Entry[i].Request;
            if (request?.Method is not { } method || request.Url is not { } url)
            {
                continue;
            }

            var interaction = FhirInteraction.Classify(method.ToString(), url.Split('?')[0]);
            if (!interaction.IsPublic && !interaction.AllowedBy(scopes))
            {
                var text = $"Entry {i} of the bundle ({method} {interaction.Type}) needs a scope such as user/{interaction.Needed}; nothing in the bundle was processed.";
                await RecordAsync(http, caller, interaction, "missing scope in bundle entry " + i);
                AuthLog.RequestRefused(Logger(http), http.Request.Method, interaction.Name, StatusCodes.Status403Forbidden, "missing scope");
                throw new FhirError(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden, text);
            }
        }
    }

    private static async Task DenyAsync(HttpContext http, Caller? caller, FhirInteraction interaction, HttpStatusCode status, OperationOutcome.IssueType code, string text, string auditDetail)
    {
        await RecordAsync(http, caller, interaction, auditDetail);
        AuthLog.RequestRefused(Logger(http), http.Request.Method, interaction.Name, (int)status, auditDetail);
        await FhirErrorHandling.WriteAsync(http, new FhirError(status, code, text));
    }

    // The path only: a query string may hold a fødselsnummer (?identifier=...).
    private static Task RecordAsync(HttpContext http, Caller? caller, FhirInteraction interaction, string detail) =>
        http.RequestServices.GetService<IAuditTrail>() is { } audit
            ? audit.RecordAsync(new AuditEntry(caller, ActionOf(interaction), interaction.Name, $"{http.Request.Method} {http.Request.Path}", null, "none", AuditOutcome.Denied, detail), http.RequestAborted)
            : Task.CompletedTask;

    private static AuditAction ActionOf(FhirInteraction interaction) => interaction.Permission switch
    {
        SmartPermission.Create => AuditAction.Create,
        SmartPermission.Read or SmartPermission.Search => AuditAction.Read,
        SmartPermission.Update => AuditAction.Update,
        SmartPermission.Delete => AuditAction.Delete,
        _ => AuditAction.Execute,
    };

    private static ILogger Logger(HttpContext http) =>
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FhirAccessGate));
}
