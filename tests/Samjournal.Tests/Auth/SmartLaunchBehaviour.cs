using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Samjournal.Tests.Conformance;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Auth;

/// <summary>SMART standalone launch over plain HTTP, as a browser and an app would do it: the
/// authorization request, the sign-in page, the code, and the code exchanged with its PKCE verifier.</summary>
public sealed class SmartLaunchBehaviour(SeededSqliteHost host) : IClassFixture<SeededSqliteHost>
{
    private const string ClientId = "samjournal-smart-demo";
    private const string RedirectUri = "http://127.0.0.1:8765/callback";

    [Fact]
    public async Task A_citizen_signs_in_on_the_page_and_the_app_gets_a_token_with_their_patient()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var code = await SignInAsync("emma.odegard", verifier);

        var token = await TokenTools.PostFormAsync(new Uri(host.Root, "connect/token"), new()
        {
            ["grant_type"] = "authorization_code", ["client_id"] = ClientId, ["code"] = code,
            ["redirect_uri"] = RedirectUri, ["code_verifier"] = verifier,
        }, HttpStatusCode.OK);
        var patientId = token.GetProperty("patient").GetString();
        Assert.False(string.IsNullOrEmpty(patientId));
        Assert.Contains("launch/patient", token.GetProperty("scope").GetString(), StringComparison.Ordinal);

        using var app = host.AuthorizedClient(token.GetProperty("access_token").GetString());
        var patient = await (await app.GetAsync($"Patient/{patientId}")).ExpectAsync<Hl7.Fhir.Model.Patient>(HttpStatusCode.OK);
        Assert.Equal("Ødegård", patient.Name[0].Family);
        Assert.Equal(patient.Identifier.Single().Value, TokenTools.Payload(token.GetProperty("access_token").GetString()!).GetProperty("pid").GetString());
    }

    [Fact]
    public async Task A_code_with_the_wrong_verifier_is_refused()
    {
        var code = await SignInAsync("haugen", Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)));
        var refused = await TokenTools.PostFormAsync(new Uri(host.Root, "connect/token"), new()
        {
            ["grant_type"] = "authorization_code", ["client_id"] = ClientId, ["code"] = code,
            ["redirect_uri"] = RedirectUri, ["code_verifier"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)),
        }, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", refused.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_authorization_request_without_PKCE_or_to_an_unregistered_redirect_is_refused()
    {
        using var browser = Browser();
        var noPkce = await browser.GetAsync(AuthorizeUrl(new() { ["code_challenge"] = "", ["code_challenge_method"] = "" }));
        Assert.Equal(HttpStatusCode.BadRequest, noPkce.StatusCode);
        var elsewhere = await browser.GetAsync(AuthorizeUrl(new() { ["redirect_uri"] = "https://attacker.example/callback" }));
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
    }

    /// <summary>GET the authorization endpoint, find the user on the page, post the form back with
    /// the demo password and return the code from the redirect.</summary>
    private async Task<string> SignInAsync(string username, string verifier)
    {
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var parameters = Parameters(new() { ["code_challenge"] = challenge });
        using var browser = Browser();
        var page = await browser.GetAsync(AuthorizeUrl(parameters));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"value=\"{username}\"", html, StringComparison.Ordinal);

        var form = new Dictionary<string, string>(parameters) { ["username"] = username, ["password"] = "wrong" };
        var again = await browser.PostAsync(new Uri(host.Root, "connect/authorize"), new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("wrong", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        form["password"] = "demo";
        var redirect = await browser.PostAsync(new Uri(host.Root, "connect/authorize"), new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var location = redirect.Headers.Location!;
        Assert.StartsWith(RedirectUri, location.AbsoluteUri, StringComparison.Ordinal);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("state-123", query["state"].ToString());
        return query["code"].ToString();
    }

    private Dictionary<string, string> Parameters(Dictionary<string, string> overrides)
    {
        var parameters = new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = ClientId,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = "openid launch/patient patient/*.rs",
            ["state"] = "state-123",
            ["aud"] = host.BaseAddress.AbsoluteUri.TrimEnd('/'),
            ["code_challenge"] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ["code_challenge_method"] = "S256",
        };
        foreach (var (name, value) in overrides)
        {
            parameters[name] = value;
        }

        return parameters;
    }

    private Uri AuthorizeUrl(Dictionary<string, string> overrides) =>
        new(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(new Uri(host.Root, "connect/authorize").AbsoluteUri,
            Parameters(overrides).Where(p => p.Value.Length > 0).Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))));

    private static HttpClient Browser() => new(new HttpClientHandler { AllowAutoRedirect = false });
}
