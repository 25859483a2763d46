using System.Net;
using System.Text.Json;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Conformance;

/// <summary>
/// _has and :in over the loaded Synthea data, at the scale where a badly shaped query shows, each
/// compared with a number the test counts from the patient bundles (one patient per file).
/// </summary>
public abstract partial class SyntheaLoadBehaviour
{
    [Fact]
    public async Task Has_and_in_over_the_Synthea_data_find_what_the_files_hold()
    {
        await LoadOnceAsync();
        var codesByPatient = SyntheaCorpus.Instance.PatientFiles.Select(LoincCodesOfObservations).ToList();

        // Codes that some but not all patients have, so a wrong answer cannot pass by matching everyone or no one.
        var discriminating = codesByPatient.SelectMany(c => c)
            .GroupBy(c => c, StringComparer.Ordinal)
            .Where(g => g.Count() > codesByPatient.Count / 10 && g.Count() < codesByPatient.Count * 9 / 10)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).Take(2).ToList();
        Assert.Equal(2, discriminating.Count);
        var (first, second) = (discriminating[0], discriminating[1]);

        Assert.Equal(codesByPatient.Count(c => c.Contains(first)), await CountAsync($"Patient?_has:Observation:patient:code=http://loinc.org|{first}"));
        Assert.Equal(
            codesByPatient.Count(c => c.Contains(first) && c.Contains(second)),
            await CountAsync($"Patient?_has:Observation:patient:code=http://loinc.org|{first}&_has:Observation:subject:code=http://loinc.org|{second}"));

        var url = $"http://example.org/fhir/ValueSet/synthea-{Guid.NewGuid():N}";
        var valueSet = new ValueSet
        {
            Url = url,
            Status = PublicationStatus.Active,
            Compose = new ValueSet.ComposeComponent { Include = [new() { System = "http://loinc.org", Concept = [new() { Code = first }, new() { Code = second }] }] },
        };
        await (await host.Client.PostAsync("ValueSet", FhirClientExtensions.Json(valueSet))).ExpectAsync<ValueSet>(HttpStatusCode.Created);
        var observations = SyntheaCorpus.Instance.OfType("Observation").ToList();
        var inSet = observations.Count(o => SyntheaCorpus.Codings(o, "code").Any(c => c.System == "http://loinc.org" && (c.Code == first || c.Code == second)));
        Assert.Equal(inSet, await CountAsync($"Observation?code:in={Uri.EscapeDataString(url)}"));
        Assert.Equal(observations.Count - inSet, await CountAsync($"Observation?code:not-in={Uri.EscapeDataString(url)}"));
    }

    private static HashSet<string> LoincCodesOfObservations(string file)
    {
        using var doc = JsonDocument.Parse(SyntheaCorpus.Decompress(file));
        return doc.RootElement.GetProperty("entry").EnumerateArray()
            .Select(e => e.GetProperty("resource"))
            .Where(r => r.GetProperty("resourceType").GetString() == "Observation")
            .SelectMany(o => SyntheaCorpus.Codings(o, "code").Where(c => c.System == "http://loinc.org" && c.Code is not null).Select(c => c.Code!))
            .ToHashSet(StringComparer.Ordinal);
    }

    private async Task<int> CountAsync(string query)
    {
        var bundle = await (await host.Client.GetAsync(query + "&_summary=count")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.DoesNotContain(bundle.Entry, e => e.Search?.Mode == Bundle.SearchEntryMode.Outcome);
        return bundle.Total!.Value;
    }
}
