using System.Text.Json.Nodes;

namespace Samjournal.Server.Auth;

/// <summary>
/// <c>/.well-known/smart-configuration</c> (SMART App Launch 2.0 §2.1), at the server root and
/// under the FHIR base. What is listed is what works: standalone launch with a patient context for
/// citizens, public clients with PKCE (S256), confidential clients with a shared secret, v1 and v2
/// scopes. EHR launch, a patient picker for staff and asymmetric client authentication are not built.
/// </summary>
internal static class SmartConfiguration
{
    public static readonly string[] Capabilities =
    [
        "launch-standalone",
        "client-public",
        "client-confidential-symmetric",
        "context-standalone-patient",
        "permission-offline",
        "permission-patient",
        "permission-user",
        "permission-v1",
        "permission-v2",
        "sso-openid-connect",
    ];

    private static Task<JsonObject>? _external;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/smart-configuration", WriteAsync).ExcludeFromDescription();
        app.MapGet("/fhir/.well-known/smart-configuration", WriteAsync).ExcludeFromDescription();
    }

    private static async Task<IResult> WriteAsync(HttpContext http, AuthOptions options, IServiceProvider services)
    {
        string issuer, authorize, token, jwks;
        if (options.Embedded)
        {
            var root = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
            (issuer, authorize, token, jwks) = (root + "/", root + EmbeddedServer.AuthorizePath, root + EmbeddedServer.TokenPath, root + "/.well-known/jwks");
        }
        else
        {
            // Read once: the provider's endpoints do not move while this process runs.
            var discovery = await (_external ??= ExternalAuthority.DiscoveryAsync(services.GetRequiredService<IHttpClientFactory>(), options, CancellationToken.None));
            (issuer, authorize, token, jwks) = (
                (string?)discovery["issuer"] ?? options.Authority!,
                (string?)discovery["authorization_endpoint"] ?? "",
                (string?)discovery["token_endpoint"] ?? "",
                (string?)discovery["jwks_uri"] ?? "");
        }

        var grants = new JsonArray("authorization_code", "client_credentials", "refresh_token");
        if (options.DemoMode)
        {
            grants.Add("password");
        }

        var body = new JsonObject
        {
            ["issuer"] = issuer,
            ["jwks_uri"] = jwks,
            ["authorization_endpoint"] = authorize,
            ["token_endpoint"] = token,
            ["grant_types_supported"] = grants,
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_basic", "client_secret_post"),
            ["scopes_supported"] = new JsonArray("openid", "launch/patient", "offline_access", "patient/*.rs", "patient/*.cruds", "user/*.rs", "user/*.cruds", "system/*.rs", "system/*.cruds"),
            ["response_types_supported"] = new JsonArray("code"),
            ["code_challenge_methods_supported"] = new JsonArray("S256"),
            ["capabilities"] = new JsonArray([.. Capabilities.Select(c => (JsonNode?)c)]),
        };
        return Results.Text(body.ToJsonString(), "application/json; charset=utf-8");
    }
}
