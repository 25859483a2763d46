using System.Security.Cryptography;
using System.Text;
using OpenIddict.Abstractions;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Samjournal.Server.Auth;

/// <summary>
/// The built-in authorization server of the embedded default (OpenIddict in degraded mode: no
/// database of clients or tokens). Clients come from configuration and are checked by the handlers
/// below, which degraded mode requires in place of OpenIddict's store-backed checks.
/// Keys are ephemeral: tokens and codes do not survive a restart, and a client signs in again.
/// </summary>
internal static class EmbeddedServer
{
    public const string TokenPath = "/connect/token";
    public const string AuthorizePath = "/connect/authorize";

    public static void Add(IServiceCollection services, AuthOptions options)
    {
        services.AddOpenIddict()
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(AuthorizePath[1..])
                    .SetTokenEndpointUris(TokenPath[1..]);
                server.AllowClientCredentialsFlow()
                    .AllowAuthorizationCodeFlow()
                    .RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow();
                if (options.DemoMode)
                {
                    server.AllowPasswordFlow();
                }

                // SMART scopes are open-ended (patient/Observation.rs); the token endpoint grants
                // only the forms it understands, so OpenIddict's list of known scopes is not used.
                server.DisableScopeValidation();
                server.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
                server.SetAccessTokenLifetime(options.AccessTokenLifetime);
                server.Configure(o => o.CodeChallengeMethods.Remove(OpenIddictConstants.CodeChallengeMethods.Plain));
                server.EnableDegradedMode();
                // The embedded default listens on plain HTTP on loopback; production sits behind TLS
                // and trusts an external provider instead of this server.
                server.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
                server.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
                {
                    ValidateTokenRequest(context, options);
                    return default;
                }));
                server.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
                {
                    ValidateAuthorizationRequest(context, options);
                    return default;
                }));
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
                validation.AddAudiences(options.Audience);
            });
    }

    private static void ValidateTokenRequest(ValidateTokenRequestContext context, AuthOptions options)
    {
        var request = context.Request;
        if (string.Equals(context.ClientId, options.DemoClientId, StringComparison.Ordinal))
        {
            if (!SecretMatches(context.ClientSecret, options.DemoClientSecret))
            {
                context.Reject(OpenIddictConstants.Errors.InvalidClient, "The client secret is wrong.");
                return;
            }

            if (request.IsAuthorizationCodeGrantType())
            {
                context.Reject(OpenIddictConstants.Errors.UnauthorizedClient, "The demo system client uses client credentials (or, in demo mode, the password grant).");
            }

            return;
        }

        if (options.SmartClients.Any(c => string.Equals(c.ClientId, context.ClientId, StringComparison.Ordinal)))
        {
            // Public clients (SMART apps in a browser or on a device) cannot keep a secret; PKCE
            // binds the code to the app that asked for it instead.
            if (request.IsClientCredentialsGrantType())
            {
                context.Reject(OpenIddictConstants.Errors.UnauthorizedClient, "A public client cannot use client credentials.");
            }

            return;
        }

        context.Reject(OpenIddictConstants.Errors.InvalidClient, "The client is not known to this server.");
    }

    private static void ValidateAuthorizationRequest(ValidateAuthorizationRequestContext context, AuthOptions options)
    {
        var client = options.SmartClients.FirstOrDefault(c => string.Equals(c.ClientId, context.ClientId, StringComparison.Ordinal));
        if (client is null)
        {
            context.Reject(OpenIddictConstants.Errors.InvalidClient, "The client is not known to this server.");
            return;
        }

        if (context.RedirectUri is not { } redirect || !AuthOptions.RedirectAllowed(client, redirect))
        {
            context.Reject(OpenIddictConstants.Errors.InvalidRequest, "The redirect_uri is not registered for this client.");
        }
    }

    private static bool SecretMatches(string? given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given ?? ""), Encoding.UTF8.GetBytes(expected));
}
