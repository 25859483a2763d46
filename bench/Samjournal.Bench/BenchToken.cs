using System.Net.Http.Headers;
using System.Text.Json;

namespace Samjournal.Bench;

/// <summary>
/// The FHIR API needs a bearer token: the benchmark signs in once per server as the demo system
/// client (client credentials, <c>system/*.cruds</c>) and sends that token with every request.
/// SAMJOURNAL_CLIENT_ID and SAMJOURNAL_CLIENT_SECRET override the README's defaults.
/// </summary>
internal static class BenchToken
{
    public static Task AuthorizeAsync(HttpClient http, string baseUrl) => AuthorizeAsync(http, baseUrl, new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = Environment.GetEnvironmentVariable("SAMJOURNAL_CLIENT_ID") ?? "samjournal-demo",
        ["client_secret"] = Environment.GetEnvironmentVariable("SAMJOURNAL_CLIENT_SECRET") ?? "demo-secret",
        ["scope"] = "system/*.cruds",
    });

    /// <summary>Signs in as demo user <paramref name="username"/> (password grant, demo mode).</summary>
    public static Task AuthorizeAsUserAsync(HttpClient http, string baseUrl, string username) => AuthorizeAsync(http, baseUrl, new Dictionary<string, string>
    {
        ["grant_type"] = "password",
        ["client_id"] = Environment.GetEnvironmentVariable("SAMJOURNAL_CLIENT_ID") ?? "samjournal-demo",
        ["client_secret"] = Environment.GetEnvironmentVariable("SAMJOURNAL_CLIENT_SECRET") ?? "demo-secret",
        ["username"] = username,
        ["password"] = "demo",
        ["scope"] = "user/*.cruds",
    });

    private static async Task AuthorizeAsync(HttpClient http, string baseUrl, Dictionary<string, string> form)
    {
        using var response = await http.PostAsync($"{baseUrl}/connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"No token from {baseUrl}/connect/token ({(int)response.StatusCode}): {body}");
        }

        using var json = JsonDocument.Parse(body);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", json.RootElement.GetProperty("access_token").GetString());
    }
}
