using Samjournal.Access.Repository;

namespace Samjournal.Server.Auth;

/// <summary>Lets sign-in code act as an in-process system caller inside an HTTP request (to find
/// a citizen's Patient before they have a token); set only on a scope made for that purpose.</summary>
internal sealed class CallerOverride
{
    public Caller? Caller { get; set; }
}

/// <summary>The <see cref="Caller"/> of a scope: the validated token's, when the FHIR gate has
/// checked one; a caller with no scopes for a request without one; none outside requests (start-up
/// seeding and workers), where the record's in-process fallback applies.</summary>
internal static class RequestCaller
{
    public const string ValidatedItem = "samjournal:validated-caller";

    public static readonly Caller Anonymous =
        new(CallerKind.System, "anonymous", "anonymous", null, null, null, null, null, new HashSet<string>(StringComparer.Ordinal), "none");

    public static Caller? Resolve(IServiceProvider services)
    {
        if (services.GetRequiredService<CallerOverride>().Caller is { } chosen)
        {
            return chosen;
        }

        var http = services.GetRequiredService<IHttpContextAccessor>().HttpContext;
        if (http is null)
        {
            return null;
        }

        return http.Items.TryGetValue(ValidatedItem, out var caller) && caller is Caller validated ? validated : Anonymous;
    }
}
