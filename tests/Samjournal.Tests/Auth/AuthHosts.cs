using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Auth;

/// <summary>An embedded host whose demo mode is off: no demo users, no password grant.</summary>
public sealed class NoDemoModeSqliteHost : SqliteHost
{
    protected override void ConfigureBuilder(WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:DemoMode"] = "false" });
}

/// <summary>The production shape: a host that runs no authorization server of its own and trusts
/// the issuer at <paramref name="authority"/>, found by discovery.</summary>
public sealed class ExternalAuthoritySqliteHost(Uri authority) : SqliteHost
{
    protected override bool SignInAtStart => false;

    protected override void ConfigureBuilder(WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:Authority"] = authority.ToString() });
}
