using System.Security.Claims;
using OpenIddict.Abstractions;
using Samjournal.Access.Repository;
using Samjournal.Clinical.Demo;

namespace Samjournal.Server.Auth;

/// <summary>
/// The claims a token carries, in the shapes Norway's providers use: HelseID for health personnel,
/// ID-porten for citizens. The embedded server issues them and <see cref="ToCaller"/> reads them
/// back, for the embedded server's tokens and an external provider's alike.
/// </summary>
internal static class SignInClaims
{
    public const string HelseIdPid = "helseid://claims/identity/pid";
    public const string HprNumber = "helseid://claims/hpr/hpr_number";
    public const string OrganisationParent = "helseid://claims/client/claims/orgnr_parent";
    public const string OrganisationChild = "helseid://claims/client/claims/orgnr_child";
    public const string SecurityLevel = "helseid://claims/identity/security_level";
    public const string Role = "samjournal_role";
    public const string Pid = "pid";
    public const string Acr = "acr";
    public const string IdPortenHigh = "idporten-loa-high";

    /// <summary>SMART launch context: the patient the app was launched for (also a token response parameter).</summary>
    public const string Patient = "patient";

    public static ClaimsIdentity ForUser(DemoUser user, string? launchPatient)
    {
        var identity = NewIdentity();
        identity.SetClaim(OpenIddictConstants.Claims.Subject, user.Username);
        identity.SetClaim(OpenIddictConstants.Claims.Name, user.Name);
        if (user.Kind == DemoUserKind.Staff)
        {
            // Demo staff have no fødselsnummer; HelseID's pid is left out rather than made up.
            identity.SetClaim(HprNumber, user.HprNumber);
            identity.SetClaim(OrganisationParent, user.OrganisationNumber);
            identity.SetClaim(OrganisationChild, user.UnitOrganisationNumber);
            identity.SetClaim(SecurityLevel, "4");
            identity.SetClaim(Role, user.Role);
        }
        else
        {
            identity.SetClaim(Pid, user.PersonalIdentityNumber);
            identity.SetClaim(Acr, IdPortenHigh);
        }

        identity.SetClaim(Patient, launchPatient);
        return identity;
    }

    public static ClaimsIdentity ForSystem(string clientId, string name)
    {
        var identity = NewIdentity();
        identity.SetClaim(OpenIddictConstants.Claims.Subject, clientId);
        identity.SetClaim(OpenIddictConstants.Claims.Name, name);
        return identity;
    }

    /// <summary>Every claim goes into the access token, which is what the FHIR API reads; the
    /// identity token (openid) gets who signed in, nothing more.</summary>
    public static void SetDestinations(ClaimsPrincipal principal) =>
        principal.SetDestinations(claim => claim.Type is OpenIddictConstants.Claims.Subject or OpenIddictConstants.Claims.Name
            ? [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken]
            : [OpenIddictConstants.Destinations.AccessToken]);

    /// <summary>The caller a validated token describes. Staff are recognised by an HPR number or a
    /// role, citizens by a pid without them; anything else is a system client.</summary>
    public static Caller ToCaller(ClaimsPrincipal principal)
    {
        var subject = principal.GetClaim(OpenIddictConstants.Claims.Subject)
            ?? principal.GetClaim(OpenIddictConstants.Claims.ClientId)
            ?? principal.GetClaim(OpenIddictConstants.Claims.Private.Presenter)
            ?? "unknown";
        var name = principal.GetClaim(OpenIddictConstants.Claims.Name);
        var hpr = principal.GetClaim(HprNumber);
        var role = principal.GetClaim(Role);
        var pid = principal.GetClaim(HelseIdPid) ?? principal.GetClaim(Pid);
        var kind = hpr is not null || role is not null ? CallerKind.Staff
            : pid is not null ? CallerKind.Citizen
            : CallerKind.System;
        var purpose = kind switch
        {
            CallerKind.Staff => "treatment",
            CallerKind.Citizen => "own-access",
            _ => "system",
        };
        return new Caller(
            kind,
            subject,
            name ?? subject,
            kind == CallerKind.Staff ? role : null,
            hpr,
            principal.GetClaim(OrganisationParent),
            principal.GetClaim(OrganisationChild),
            pid,
            Scopes(principal),
            purpose,
            principal.GetClaim(Patient));
    }

    /// <summary>Scopes as OpenIddict stores them, or as one space-separated claim from another issuer.</summary>
    public static IReadOnlySet<string> Scopes(ClaimsPrincipal principal)
    {
        var scopes = new HashSet<string>(principal.GetScopes(), StringComparer.Ordinal);
        foreach (var claim in principal.FindAll(c => c.Type is OpenIddictConstants.Claims.Scope or "scp"))
        {
            scopes.UnionWith(claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        return scopes;
    }

    private static ClaimsIdentity NewIdentity() =>
        new(authenticationType: "Samjournal", nameType: OpenIddictConstants.Claims.Name, roleType: Role);
}
