using System.Globalization;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Conformance;

/// <summary>
/// Searches over the loaded Synthea data, each compared with a number the test counts itself from
/// the bundle files (never by asking the server or calling the code under test).
/// </summary>
public abstract partial class SyntheaLoadBehaviour
{
    [Fact]
    public async Task Searches_over_the_Synthea_data_find_what_the_files_hold()
    {
        await LoadOnceAsync();
        var corpus = SyntheaCorpus.Instance;
        var sample = corpus.Patients.Where((_, i) => i % 25 == 0).ToList();

        foreach (var patient in sample)
        {
            var identifier = $"{SyntheaCorpus.SyntheaSystem}|{patient.SyntheaId}";
            var found = await SearchAsync($"Patient?identifier={Uri.EscapeDataString(identifier)}");
            Assert.Single(found.Entry);

            // Through a chain, so the expected numbers need no server ids: the patient's own bundle counts them.
            foreach (var type in new[] { "Observation", "Encounter", "Condition" })
            {
                Assert.Equal(patient.CountsByType.GetValueOrDefault(type), await TotalAsync($"{type}?patient.identifier={Uri.EscapeDataString(identifier)}"));
            }

            // family= is starts-with, ignoring case, over every name of every patient.
            var family = patient.Families[0];
            var expected = corpus.Patients.Count(p => p.Families.Any(f => f.StartsWith(family, StringComparison.OrdinalIgnoreCase)));
            Assert.Equal(expected, await TotalAsync($"Patient?family={Uri.EscapeDataString(family.ToLowerInvariant())}"));
        }

        // The five most frequent LOINC codes.
        var loinc = corpus.OfType("Observation")
            .SelectMany(o => SyntheaCorpus.Codings(o, "code").Where(c => c.System == "http://loinc.org").Select(c => c.Code!).Distinct())
            .GroupBy(c => c).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(5);
        foreach (var code in loinc)
        {
            Assert.Equal(code.Count(), await TotalAsync($"Observation?code=http://loinc.org|{code.Key}"));
        }

        // A year of observations, bounded by instants so no time zone is assumed.
        var from = DateTimeOffset.Parse("2015-01-01T00:00:00Z", CultureInfo.InvariantCulture);
        var to = DateTimeOffset.Parse("2016-01-01T00:00:00Z", CultureInfo.InvariantCulture);
        var inYear = corpus.OfType("Observation").Count(o =>
            DateTimeOffset.Parse(o.GetProperty("effectiveDateTime").GetString()!, CultureInfo.InvariantCulture) is var t && t >= from && t < to);
        Assert.True(inYear > 100, $"Only {inYear} observations in 2015: the test data changed.");
        Assert.Equal(inYear, await TotalAsync("Observation?date=ge2015-01-01T00:00:00Z&date=lt2016-01-01T00:00:00Z"));

        // Born before 1950 (date against date: the same calendar day rules on both sides), by gender.
        var oldWomen = corpus.OfType("Patient").Count(p =>
            p.GetProperty("gender").GetString() == "female" && string.CompareOrdinal(p.GetProperty("birthDate").GetString(), "1950-01-01") < 0);
        Assert.Equal(oldWomen, await TotalAsync("Patient?gender=female&birthdate=lt1950-01-01"));

        // Active conditions, by their clinical status code.
        var active = corpus.OfType("Condition").Count(c => SyntheaCorpus.Codings(c, "clinicalStatus").Any(k => k.Code == "active"));
        Assert.Equal(active, await TotalAsync("Condition?clinical-status=active"));
    }

    private async Task<Bundle> SearchAsync(string query) =>
        await (await host.Client.GetAsync(query)).ExpectAsync<Bundle>(System.Net.HttpStatusCode.OK);

    private async Task<int> TotalAsync(string query)
    {
        var bundle = await SearchAsync(query + (query.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "_summary=count");
        Assert.True(bundle.Total is not null, $"{query}: no total");
        return bundle.Total!.Value;
    }
}
