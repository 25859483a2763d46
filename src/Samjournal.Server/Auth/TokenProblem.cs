using Microsoft.AspNetCore.Authentication;
using OpenIddict.Validation.AspNetCore;

namespace Samjournal.Server.Auth;

/// <summary>Why a bearer token was not accepted, in plain words for the OperationOutcome, a short
/// reason for the audit record, and the <c>WWW-Authenticate</c> challenge (RFC 6750 §3).</summary>
internal sealed record TokenProblem(string Text, string Audit, string Challenge)
{
    private const string Realm = "Bearer realm=\"samjournal\"";

    public static TokenProblem Describe(string authorization, AuthenticateResult result)
    {
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return new("This request needs a bearer token (Authorization: Bearer ...); get one from the token endpoint named in /fhir/.well-known/smart-configuration.", "no token", Realm);
        }

        var description = result.Properties?.Items.TryGetValue(OpenIddictValidationAspNetCoreConstants.Properties.ErrorDescription, out var d) == true ? d ?? "" : "";
        var uri = result.Properties?.Items.TryGetValue(OpenIddictValidationAspNetCoreConstants.Properties.ErrorUri, out var u) == true ? u ?? "" : "";
        var (text, audit) = Classify(description, uri);
        return new(text, audit, $"{Realm}, error=\"invalid_token\", error_description=\"{text.Replace("\"", "'", StringComparison.Ordinal)}\"");
    }

    // OpenIddict names each failure with an error URI ending in its message id (ID2xxx).
    private static (string Text, string Audit) Classify(string description, string uri)
    {
        var id = uri.Length > 0 ? uri[(uri.LastIndexOf('/') + 1)..] : "";
        return id switch
        {
            "ID2019" => ("The bearer token has expired; get a new one.", "expired token"),
            "ID2093" => ("The bearer token was issued for another service (wrong audience), not for this FHIR server.", "wrong audience"),
            _ => ($"The bearer token is not valid here: {description} It may be signed by an issuer this server does not trust, or be damaged.", "invalid token"),
        };
    }
}
