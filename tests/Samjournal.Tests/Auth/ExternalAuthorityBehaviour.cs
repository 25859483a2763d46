using System.Net;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Auth;

/// <summary>The production shape, for real: a second host trusts the first one's issuer by
/// discovery, as it would trust HelseID, and has no authorization server of its own.</summary>
public sealed class ExternalAuthorityBehaviour(SqliteHost issuer) : IClassFixture<SqliteHost>, IAsyncLifetime
{
    private ExternalAuthoritySqliteHost _api = null!;

    public async Task InitializeAsync()
    {
        _api = new ExternalAuthoritySqliteHost(issuer.Root);
        await _api.InitializeAsync();
    }

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task A_token_from_the_trusted_issuer_is_accepted_and_its_claims_are_read()
    {
        using var staff = _api.AuthorizedClient(await issuer.TokenForAsync("haugen", "user/*.cruds"));
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("Patient?_count=1")).StatusCode);

        using var system = _api.AuthorizedClient(issuer.Client.DefaultRequestHeaders.Authorization!.Parameter);
        Assert.Equal(HttpStatusCode.OK, (await system.GetAsync("Patient?_count=1")).StatusCode);

        using var narrow = _api.AuthorizedClient(await issuer.TokenForAsync("haugen", "patient/Observation.rs"));
        await (await narrow.GetAsync("Patient?_count=1")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Tokens_it_cannot_trust_are_401()
    {
        await (await _api.Client.GetAsync("Patient")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
        using var forged = _api.AuthorizedClient(TokenTools.Forge(issuer, "some-other-api", DateTime.UtcNow.AddHours(1)));
        await (await forged.GetAsync("Patient")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task It_has_no_token_endpoint_and_its_smart_configuration_names_the_issuers()
    {
        using var http = new HttpClient();
        var token = await http.PostAsync(new Uri(_api.Root, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));
        Assert.False(token.IsSuccessStatusCode);

        var smart = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(_api.Root, ".well-known/smart-configuration"))).RootElement;
        Assert.Equal(new Uri(issuer.Root, "connect/token").AbsoluteUri, smart.GetProperty("token_endpoint").GetString());
        Assert.Equal(issuer.Root.AbsoluteUri, smart.GetProperty("issuer").GetString());
    }
}
