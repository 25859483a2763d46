using System.Text.Json.Nodes;

namespace Samjournal.Server.Auth;

/// <summary>
/// Production sign-in: tokens come from an external OpenID Connect provider (HelseID, ID-porten,
/// or a broker in front of both) named by <c>Auth:Authority</c>; OpenIddict validation finds its
/// keys by discovery and checks issuer, signature, lifetime and audience. There is no built-in
/// server and no password grant here.
/// </summary>
internal static class ExternalAuthority
{
    public static void Add(IServiceCollection services, AuthOptions options)
    {
        var authority = new Uri(options.Authority!);
        services.AddHttpClient(nameof(ExternalAuthority));
        services.AddOpenIddict().AddValidation(validation =>
        {
            validation.SetIssuer(authority);
            validation.AddAudiences(options.Audience);
            validation.UseSystemNetHttp();
            validation.UseAspNetCore();
        });
    }

    /// <summary>The provider's discovery document, for the SMART configuration's endpoints.</summary>
    public static async Task<JsonObject> DiscoveryAsync(IHttpClientFactory clients, AuthOptions options, CancellationToken ct)
    {
        using var client = clients.CreateClient(nameof(ExternalAuthority));
        await using var body = await client.GetStreamAsync(new Uri(new Uri(options.Authority!), ".well-known/openid-configuration"), ct);
        return JsonNode.Parse(body) as JsonObject ?? [];
    }
}
