using Microsoft.AspNetCore;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Samjournal.Clinical.Demo;

namespace Samjournal.Server.Auth;

/// <summary>
/// The token endpoint of the embedded server (<c>POST /connect/token</c>). OpenIddict has already
/// checked the request and the client (<see cref="EmbeddedServer"/>); this decides who the token is
/// for and what it may do: client credentials for the demo system client, the password grant for
/// demo users (demo mode only), and the code and refresh token of the SMART flow.
/// </summary>
internal static partial class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, AuthOptions options, DemoDirectory directory, ILoggerFactory loggers)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        var logger = loggers.CreateLogger(typeof(TokenEndpoint));
        if (request.IsClientCredentialsGrantType())
        {
            var principal = new ClaimsPrincipal(SignInClaims.ForSystem(request.ClientId!, "Demo system client"));
            principal.SetScopes(GrantedScopes.ForSystem(request.GetScopes()));
            AuthLog.TokenIssued(logger, "client_credentials", request.ClientId!);
            return SignIn(principal, options, launchPatient: null);
        }

        if (request.IsPasswordGrantType())
        {
            var user = directory.Find(request.Username);
            if (user is null || !directory.PasswordMatches(request.Password))
            {
                AuthLog.SignInRefused(logger, "password", request.ClientId ?? "");
                return Refuse(OpenIddictConstants.Errors.InvalidGrant, "The username or password is wrong.");
            }

            return await IssueForUserAsync(http, user, request.GetScopes(), options, directory, logger, "password");
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // The code or refresh token carries the principal signed in at the authorization
            // endpoint; OpenIddict has checked it (and the PKCE verifier) before we get here.
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            if (result.Principal is not { } principal)
            {
                return Refuse(OpenIddictConstants.Errors.InvalidGrant, "The code or refresh token is no longer valid.");
            }

            AuthLog.TokenIssued(logger, request.GrantType!, request.ClientId ?? "");
            return SignIn(principal, options, principal.GetClaim(SignInClaims.Patient));
        }

        return Refuse(OpenIddictConstants.Errors.UnsupportedGrantType, "This grant type is not supported here.");
    }

    /// <summary>A token for a demo user, with the SMART launch patient when a citizen asks for
    /// <c>launch/patient</c>. Staff get no launch patient: a patient picker is not built yet.</summary>
    public static async Task<IResult> IssueForUserAsync(HttpContext http, DemoUser user, IEnumerable<string> requestedScopes, AuthOptions options, DemoDirectory directory, ILogger logger, string grant)
    {
        var (resolved, patientId) = await directory.ResolveAsync(user, http.RequestAborted);
        var scopes = GrantedScopes.ForPerson(requestedScopes);
        var launchPatient = scopes.Contains(GrantedScopes.LaunchPatient) ? patientId : null;
        var principal = new ClaimsPrincipal(SignInClaims.ForUser(resolved, launchPatient));
        principal.SetScopes(scopes);
        AuthLog.TokenIssued(logger, grant, user.Kind == DemoUserKind.Staff ? "a member of staff" : "a citizen");
        return SignIn(principal, options, launchPatient);
    }

    public static IResult SignIn(ClaimsPrincipal principal, AuthOptions options, string? launchPatient)
    {
        principal.SetResources(options.Audience);
        SignInClaims.SetDestinations(principal);
        var properties = new AuthenticationProperties();
        if (launchPatient is not null)
        {
            // SMART launch context: the token response names the patient beside the token.
            properties.Parameters[SignInClaims.Patient] = launchPatient;
        }

        return Results.SignIn(principal, properties, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
