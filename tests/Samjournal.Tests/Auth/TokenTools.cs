using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Auth;

/// <summary>Reading and forging tokens for sign-in tests.</summary>
internal static class TokenTools
{
    /// <summary>The claims of a JWT's payload, as JSON (not validated: for looking only).</summary>
    public static JsonElement Payload(string jwt) => JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[1])).RootElement;

    /// <summary>An access token signed with <paramref name="host"/>'s own key, so only the claims
    /// chosen here can make it fail: a lifetime in the past, or another audience.</summary>
    public static string Forge(SamjournalHost host, string audience, DateTime expires, string scope = "system/*.cruds")
    {
        var options = host.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = host.Root.AbsoluteUri,
            Audience = audience,
            IssuedAt = expires.AddHours(-1),
            NotBefore = expires.AddHours(-1),
            Expires = expires,
            TokenType = "at+jwt",
            SigningCredentials = options.SigningCredentials.First(),
            Subject = new ClaimsIdentity([new Claim("sub", "forged-client"), new Claim("scope", scope)]),
        });
    }

    public static async Task<JsonElement> PostFormAsync(Uri uri, Dictionary<string, string> form, HttpStatusCode expected)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(uri, new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
