using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using Samjournal.Access.Repository;
using Samjournal.Clinical.Demo;
using Samjournal.Server.Auth;
using Samjournal.Web;
using Samjournal.Web.Components;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.Web;

/// <summary>
/// Hosts the clinician's web app (<c>Samjournal.Web</c>, Blazor with server rendering) at <c>/</c>.
/// Sign-in is the embedded provider's: the demo staff and password the token endpoint accepts, and
/// the same claims, kept in an HTTP-only, same-site cookie. Every web request with that cookie gets
/// the same <see cref="Caller"/> a token would give, so pages read through the scoped repository
/// under the access policy and the audit trail, like any FHIR client.
/// </summary>
internal static class WebApp
{
    public const string Scheme = "samjournal-web";

    public static WebApplicationBuilder AddSamjournalWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        // Outside a published output (dotnet run, the tests) the framework's blazor.web.js is found
        // through the build's static web assets manifest; ASP.NET Core reads it only in Development
        // unless told, and this host runs as Production by default. Named after this assembly, not
        // the application (which is the test host when the tests host the server).
        var runtimeManifest = AssetManifest("runtime");
        if (File.Exists(runtimeManifest))
        {
            builder.Configuration[WebHostDefaults.StaticWebAssetsKey] = runtimeManifest;
            Microsoft.AspNetCore.Hosting.StaticWebAssets.StaticWebAssetsLoader.UseStaticWebAssets(builder.Environment, builder.Configuration);
        }

        builder.Services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = "samjournal";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.LoginPath = "/sign-in";
        });
        builder.Services.AddSingleton<IWebDirectory, DemoWebDirectory>();
        return builder;
    }

    /// <summary>After the FHIR gate: reads the web cookie for requests outside <c>/fhir</c> and <c>/connect</c>.</summary>
    public static WebApplication UseSamjournalWeb(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (!http.Request.Path.StartsWithSegments("/fhir") && !http.Request.Path.StartsWithSegments("/connect")
                && (await http.AuthenticateAsync(Scheme)).Principal is { } principal)
            {
                http.User = principal;
                http.Items[RequestCaller.ValidatedItem] = SignInClaims.ToCaller(principal);
            }

            await next(http);
        });
        app.UseAntiforgery();
        app.MapPost("/auth/sign-in", SignInAsync).DisableAntiforgery();
        app.MapPost("/sign-out", (Delegate)SignOutAsync).DisableAntiforgery();
        app.MapPost("/auth/emergency-access", EmergencyAccessAsync).DisableAntiforgery();
        app.MapWebActions();
        app.MapGet("/language", (HttpContext http, string? lang) =>
        {
            http.Response.Cookies.Append(Texts.Cookie, lang == "en" ? "en" : "nb", new CookieOptions { SameSite = SameSiteMode.Strict, HttpOnly = true, MaxAge = TimeSpan.FromDays(365) });
            return Results.Redirect(LocalOr(http.Request.Headers.Referer.ToString(), "/"));
        });
        // The framework's blazor.web.js (static web assets the SDK brings): it lets the overview stream
        // its sections after the first paint.
        app.MapStaticAssets(AssetManifest("endpoints"));
        app.MapRazorComponents<App>();
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext http, DemoDirectory directory)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = LocalOr(form["returnUrl"], "/");
        var user = directory.Find(form["username"]);
        if (user is not { Kind: DemoUserKind.Staff } || !directory.PasswordMatches(form["password"]))
        {
            return Results.Redirect("/sign-in?error=1&returnUrl=" + Uri.EscapeDataString(returnUrl));
        }

        var identity = SignInClaims.ForUser(user, null);
        identity.SetScopes("user/*.cruds");
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        return Results.Redirect(returnUrl);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(Scheme);
        return Results.Redirect("/sign-in");
    }

    /// <summary>Emergency access from the web app: for a patient the person found by id, or by
    /// national identity number when the search (which shows only patients they have a relation to)
    /// found nothing. The number is looked up past the access rules only to name the patient whose
    /// record the request is for; the request itself is the person's, audited and reviewed.</summary>
    private static async Task<IResult> EmergencyAccessAsync(HttpContext http, ScopedRepository repo, RecordAccess records)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (repo.Caller.Kind != CallerKind.Staff)
        {
            return Results.Redirect("/sign-in");
        }

        var patient = form["patient"].ToString();
        var nationalId = form["nationalId"].ToString();
        if (patient.Length == 0 && nationalId.Length == 11 && nationalId.All(char.IsAsciiDigit))
        {
            var lookup = records.For(Caller.SystemInternal("emergency-access-lookup"));
            var found = await lookup.FindAsync("Patient", "identifier=" + nationalId, 2, http.RequestAborted);
            patient = found.Count == 1 ? found[0].Id! : "";
        }

        if (patient.Length == 0)
        {
            return Results.Redirect("/patients?q=" + Uri.EscapeDataString(nationalId));
        }

        try
        {
            await repo.RequestEmergencyAccessAsync(patient, form["reason"].ToString(), form["text"].ToString(), http.RequestAborted);
            return Results.Redirect($"/patients/{Uri.EscapeDataString(patient)}");
        }
        catch (FhirError problem) when ((int)problem.Status is >= 400 and < 500)
        {
            return Results.Redirect($"/patients/{Uri.EscapeDataString(patient)}?error={Uri.EscapeDataString(problem.Message)}");
        }
    }

    private static string AssetManifest(string kind) =>
        Path.Combine(AppContext.BaseDirectory, $"{typeof(WebApp).Assembly.GetName().Name}.staticwebassets.{kind}.json");

    /// <summary>Only a path on this site, never another host (no open redirects).</summary>
    private static string LocalOr(string? url, string fallback)
    {
        if (string.IsNullOrEmpty(url))
        {
            return fallback;
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute))
        {
            url = absolute.PathAndQuery;
        }

        return url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : fallback;
    }
}

/// <summary>The embedded provider's demo staff, for the sign-in page, and unit names from them.</summary>
internal sealed class DemoWebDirectory(DemoDirectory directory) : IWebDirectory
{
    public IReadOnlyList<WebStaffMember> Staff =>
        [.. directory.Users.Where(u => u.Kind == DemoUserKind.Staff).Select(u => new WebStaffMember(u.Username, u.Name, u.Role ?? "", u.RoleText ?? "", u.UnitName ?? ""))];

    public string? UnitName(string? organisationNumber) =>
        directory.Users.FirstOrDefault(u => u.UnitOrganisationNumber == organisationNumber)?.UnitName ?? organisationNumber;
}
