namespace Samjournal.Server.Auth;

/// <summary>Which of the requested scopes a token gets. System clients get <c>system/</c> scopes,
/// people get <c>patient/</c> and <c>user/</c> scopes and the OpenID and SMART context scopes; what
/// no rule here understands is left out, so the token response's <c>scope</c> says what was granted.</summary>
internal static class GrantedScopes
{
    public const string LaunchPatient = "launch/patient";

    private static readonly HashSet<string> PersonScopes = new(StringComparer.Ordinal)
    {
        "openid", "fhirUser", "profile", "offline_access", "online_access", LaunchPatient,
    };

    public static List<string> ForSystem(IEnumerable<string> requested)
    {
        var granted = requested.Where(s => s.StartsWith("system/", StringComparison.Ordinal) && SmartScopes.TryParse(s, out _, out _)).Distinct(StringComparer.Ordinal).ToList();
        return granted.Count > 0 ? granted : ["system/*.cruds"];
    }

    public static List<string> ForPerson(IEnumerable<string> requested)
    {
        var granted = requested
            .Where(s => PersonScopes.Contains(s) || (!s.StartsWith("system/", StringComparison.Ordinal) && SmartScopes.TryParse(s, out _, out _)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (!granted.Any(s => SmartScopes.TryParse(s, out _, out _)))
        {
            granted.Add("user/*.cruds");
        }

        return granted;
    }
}
