using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Samjournal.Tests.Infrastructure;

/// <summary>Small helpers for talking FHIR JSON over HttpClient in tests.</summary>
public static class FhirClientExtensions
{
    private static readonly FhirJsonSerializer Serializer = new();
    private static readonly FhirJsonDeserializer Parser = new(new DeserializerSettings());

    public static StringContent Json(string json, string mediaType = "application/fhir+json") => new(json, Encoding.UTF8, mediaType);

    public static StringContent Json(Resource resource) => Json(Serializer.SerializeToString(resource));

    public static async Task<T> ReadResourceAsync<T>(this HttpResponseMessage response)
        where T : Resource
    {
        var text = await response.Content.ReadAsStringAsync();
        return Parser.DeserializeResource(text) as T ?? throw new InvalidOperationException($"Expected {typeof(T).Name}, got: {text}");
    }

    public static async Task<OperationOutcome> ExpectOutcomeAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var outcome = Parser.DeserializeResource(text) as OperationOutcome;
        Assert.NotNull(outcome);
        Assert.Contains(outcome!.Issue, i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
        Assert.All(outcome.Issue, i => Assert.False(string.IsNullOrWhiteSpace(i.Diagnostics)));
        return outcome;
    }

    public static async Task<T> ExpectAsync<T>(this HttpResponseMessage response, HttpStatusCode status)
        where T : Resource
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return Parser.DeserializeResource(text) as T ?? throw new InvalidOperationException($"Expected {typeof(T).Name}, got: {text}");
    }
}
