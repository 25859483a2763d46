using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Auth;

/// <summary>Tokens from the embedded server, and what the FHIR API does with good and bad ones.</summary>
public sealed class SignInBehaviour(SqliteHost host) : IClassFixture<SqliteHost>
{
    private Uri TokenEndpoint => new(host.Root, "connect/token");

    [Fact]
    public async Task A_staff_token_carries_HelseID_claims_hpr_role_and_organisations()
    {
        var payload = TokenTools.Payload(await host.TokenForAsync("haugen"));
        Assert.Equal("haugen", payload.GetProperty("sub").GetString());
        Assert.Equal("9100101", payload.GetProperty("helseid://claims/hpr/hpr_number").GetString());
        Assert.Equal("doctor", payload.GetProperty("samjournal_role").GetString());
        Assert.Equal("310900117", payload.GetProperty("helseid://claims/client/claims/orgnr_child").GetString());
        Assert.Equal("310900109", payload.GetProperty("helseid://claims/client/claims/orgnr_parent").GetString());
        Assert.Equal("4", payload.GetProperty("helseid://claims/identity/security_level").GetString());
        Assert.Equal("samjournal", payload.GetProperty("aud").GetString());
        Assert.Equal("user/*.cruds", payload.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task A_citizen_token_carries_ID_porten_claims()
    {
        var payload = TokenTools.Payload(await host.TokenForAsync("emma.odegard", "patient/*.rs"));
        Assert.Equal("idporten-loa-high", payload.GetProperty("acr").GetString());
        Assert.Matches("^[0-9]{11}$", payload.GetProperty("pid").GetString());
        Assert.False(payload.TryGetProperty("helseid://claims/hpr/hpr_number", out _));
    }

    [Fact]
    public async Task A_wrong_password_or_client_secret_gets_no_token()
    {
        var wrongPassword = await TokenTools.PostFormAsync(TokenEndpoint, new()
        {
            ["grant_type"] = "password", ["client_id"] = SamjournalHost.DemoClientId, ["client_secret"] = SamjournalHost.DemoClientSecret,
            ["username"] = "haugen", ["password"] = "not-the-password",
        }, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", wrongPassword.GetProperty("error").GetString());

        using var http = new HttpClient();
        using var wrongSecret = await http.PostAsync(TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = SamjournalHost.DemoClientId, ["client_secret"] = "guess", ["scope"] = "system/*.cruds",
        }));
        Assert.False(wrongSecret.IsSuccessStatusCode);
        Assert.Contains("invalid_client", await wrongSecret.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_CapabilityStatement_and_smart_configuration_need_no_token()
    {
        using var anonymous = host.AuthorizedClient(null);
        var capabilities = await (await anonymous.GetAsync("metadata")).ExpectAsync<CapabilityStatement>(HttpStatusCode.OK);
        var security = capabilities.Rest[0].Security;
        Assert.Contains(security.Service, s => s.Coding.Any(c => c.Code == "SMART-on-FHIR"));
        var oauth = security.GetExtension("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
        Assert.NotNull(oauth);

        var response = await anonymous.GetAsync(".well-known/smart-configuration");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var smart = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(new Uri(host.Root, "connect/token").AbsoluteUri, smart.GetProperty("token_endpoint").GetString());
        Assert.Equal(new Uri(host.Root, "connect/authorize").AbsoluteUri, smart.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(["S256"], smart.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        var capabilityCodes = smart.GetProperty("capabilities").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("launch-standalone", capabilityCodes);
        Assert.Contains("permission-v2", capabilityCodes);
        Assert.Contains("client-confidential-symmetric", capabilityCodes);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri(host.Root, ".well-known/smart-configuration"))).StatusCode);
    }

    [Fact]
    public async Task A_request_without_a_token_is_401_with_an_OperationOutcome_and_a_challenge()
    {
        using var anonymous = host.AuthorizedClient(null);
        var response = await anonymous.GetAsync("Patient");
        var outcome = await response.ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(OperationOutcome.IssueType.Login, outcome.Issue[0].Code);
        Assert.Contains("bearer token", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        Assert.StartsWith("application/fhir+json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_garbage_token_is_401()
    {
        using var client = host.AuthorizedClient("not.a.token");
        var response = await client.GetAsync("Patient/x");
        var outcome = await response.ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(OperationOutcome.IssueType.Login, outcome.Issue[0].Code);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_token_is_401_and_says_so()
    {
        using var client = host.AuthorizedClient(TokenTools.Forge(host, "samjournal", DateTime.UtcNow.AddHours(-1)));
        var outcome = await (await client.GetAsync("Patient")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("expired", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_401_and_says_so()
    {
        using var client = host.AuthorizedClient(TokenTools.Forge(host, "some-other-api", DateTime.UtcNow.AddHours(1)));
        var outcome = await (await client.GetAsync("Patient")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("audience", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_token_that_is_otherwise_right_passes_so_the_two_above_fail_for_their_reason()
    {
        using var client = host.AuthorizedClient(TokenTools.Forge(host, "samjournal", DateTime.UtcNow.AddHours(1)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Patient?_count=1")).StatusCode);
    }

    [Fact]
    public async Task A_token_signed_by_another_server_is_401()
    {
        var other = new SqliteHost();
        await other.InitializeAsync();
        try
        {
            using var client = host.AuthorizedClient(other.Client.DefaultRequestHeaders.Authorization!.Parameter);
            await (await client.GetAsync("Patient")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        }
        finally
        {
            await other.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_scope_that_does_not_cover_the_interaction_is_403()
    {
        using var client = await host.ClientForAsync("haugen", "patient/Observation.rs");
        var observation = new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept { Text = "Puls" } };
        var outcome = await (await client.PostAsync("Observation", FhirClientExtensions.Json(observation))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Equal(OperationOutcome.IssueType.Forbidden, outcome.Issue[0].Code);
        Assert.Contains("Observation.c", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Observation?_count=1")).StatusCode);
        await (await client.GetAsync("Patient?_count=1")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_bundle_entry_outside_the_scopes_refuses_the_whole_bundle()
    {
        using var client = await host.ClientForAsync("haugen", "user/Observation.cruds");
        var family = "Scopeless" + Guid.NewGuid().ToString("N")[..8];
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new() { Resource = new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept { Text = "Puls" } }, Request = new() { Method = Bundle.HTTPVerb.POST, Url = "Observation" } },
                new() { Resource = new Patient { Name = [new HumanName { Family = family }] }, Request = new() { Method = Bundle.HTTPVerb.POST, Url = "Patient" } },
            ],
        };
        var outcome = await (await client.PostAsync("", FhirClientExtensions.Json(bundle))).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Contains("Entry 1", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        var found = await (await host.Client.GetAsync($"Patient?family={family}")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Empty(found.Entry);
    }

    [Fact]
    public async Task A_system_client_token_reaches_the_API()
    {
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("Patient?_count=1")).StatusCode);
        Assert.Equal("Bearer", host.Client.DefaultRequestHeaders.Authorization!.Scheme);
        var payload = TokenTools.Payload(host.Client.DefaultRequestHeaders.Authorization.Parameter!);
        Assert.Equal("system/*.cruds", payload.GetProperty("scope").GetString());
        Assert.Equal(SamjournalHost.DemoClientId, payload.GetProperty("sub").GetString());
    }
}

/// <summary>With demo mode off, the embedded server signs in no demo users.</summary>
public sealed class DemoModeOffBehaviour(NoDemoModeSqliteHost host) : IClassFixture<NoDemoModeSqliteHost>
{
    [Fact]
    public async Task The_password_grant_is_refused()
    {
        var refused = await TokenTools.PostFormAsync(new Uri(host.Root, "connect/token"), new()
        {
            ["grant_type"] = "password", ["client_id"] = SamjournalHost.DemoClientId, ["client_secret"] = SamjournalHost.DemoClientSecret,
            ["username"] = "haugen", ["password"] = SamjournalHost.DemoPassword,
        }, HttpStatusCode.BadRequest);
        Assert.Equal("unsupported_grant_type", refused.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("Patient?_count=1")).StatusCode);
    }
}
