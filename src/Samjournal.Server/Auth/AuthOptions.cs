namespace Samjournal.Server.Auth;

/// <summary>A public SMART app allowed to use the authorization code flow (with PKCE) here.</summary>
internal sealed record SmartClient(string ClientId, IReadOnlyList<string> RedirectUris);

/// <summary>
/// Sign-in settings (section <c>Auth</c>). With no <c>Authority</c>, the host runs its own
/// authorization server (the embedded default); with one, it trusts that issuer's tokens only.
/// </summary>
internal sealed record AuthOptions(
    string? Authority,
    string Audience,
    bool DemoMode,
    string DemoClientId,
    string DemoClientSecret,
    string DemoPassword,
    IReadOnlyList<SmartClient> SmartClients,
    TimeSpan AccessTokenLifetime)
{
    public const string DefaultDemoClientId = "samjournal-demo";
    public const string DefaultDemoClientSecret = "demo-secret";
    public const string DefaultSmartClientId = "samjournal-smart-demo";

    public bool Embedded => Authority is null;

    public static AuthOptions From(IConfiguration config, IHostEnvironment environment)
    {
        var section = config.GetSection("Auth");
        var authority = section["Authority"];
        var smart = section.GetSection("SmartClients").GetChildren()
            .Select(c => new SmartClient(c["ClientId"] ?? "", c.GetSection("RedirectUris").GetChildren().Select(u => u.Value ?? "").Where(u => u.Length > 0).ToList()))
            .Where(c => c.ClientId.Length > 0)
            .ToList();
        if (smart.Count == 0)
        {
            // A local SMART app under development; any loopback port may receive the code.
            smart.Add(new SmartClient(DefaultSmartClientId, ["http://127.0.0.1/callback", "http://localhost/callback"]));
        }

        // Tokens fetched over plain HTTP can be read and replayed by anyone on the path; only a
        // provider on this machine (tests, a local broker) may be reached without TLS.
        if (!string.IsNullOrWhiteSpace(authority)
            && (!Uri.TryCreate(authority, UriKind.Absolute, out var issuer) || (issuer.Scheme != Uri.UriSchemeHttps && !(issuer.Scheme == Uri.UriSchemeHttp && issuer.IsLoopback))))
        {
            throw new InvalidOperationException($"Auth:Authority '{authority}' must be an https:// issuer URL (http:// only on loopback).");
        }

        return new AuthOptions(
            string.IsNullOrWhiteSpace(authority) ? null : authority.TrimEnd('/') + "/",
            section["Audience"] is { Length: > 0 } audience ? audience : "samjournal",
            // Demo users (and the password grant) exist only on the embedded server, and in the
            // Production environment only when asked for (appsettings.json asks, for `dotnet run`).
            string.IsNullOrWhiteSpace(authority) && (section.GetValue<bool?>("DemoMode") ?? !environment.IsProduction()),
            section["DemoClient:Id"] is { Length: > 0 } id ? id : DefaultDemoClientId,
            section["DemoClient:Secret"] is { Length: > 0 } secret ? secret : DefaultDemoClientSecret,
            section["DemoPassword"] is { Length: > 0 } password ? password : "demo",
            smart,
            TimeSpan.FromSeconds(section.GetValue("AccessTokenLifetimeSeconds", 3600)));
    }

    /// <summary>Whether <paramref name="redirectUri"/> is registered for <paramref name="client"/>.
    /// Loopback URIs match on any port (RFC 8252 §7.3), so native and test apps can pick a free one.</summary>
    public static bool RedirectAllowed(SmartClient client, string redirectUri)
    {
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var given))
        {
            return false;
        }

        foreach (var registered in client.RedirectUris)
        {
            if (!Uri.TryCreate(registered, UriKind.Absolute, out var known))
            {
                continue;
            }

            var samePort = known.Port == given.Port || (known.IsLoopback && given.IsLoopback);
            if (known.Scheme == given.Scheme && string.Equals(known.Host, given.Host, StringComparison.OrdinalIgnoreCase) && samePort && known.AbsolutePath == given.AbsolutePath)
            {
                return true;
            }
        }

        return false;
    }
}
