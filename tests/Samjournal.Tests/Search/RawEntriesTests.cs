using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Samjournal.Fhir.Search;

namespace Samjournal.Tests.Search;

/// <summary>Stored bodies spliced into a serialised searchset land in their own entries, and the
/// entries that already had a resource (the outcome) keep it.</summary>
public sealed class RawEntriesTests
{
    [Fact]
    public void Stored_bodies_go_into_the_entries_without_a_resource_in_order()
    {
        var serializer = new FhirJsonSerializer();
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = 2 };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = "http://x/fhir/Patient/a", Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match } });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = "http://x/fhir/Organization/b", Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Include } });
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            Resource = new OperationOutcome { Issue = [new() { Severity = OperationOutcome.IssueSeverity.Warning, Code = OperationOutcome.IssueType.NotSupported, Diagnostics = "x ignored" }] },
            Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
        });
        var stored = new[]
        {
            Encoding.UTF8.GetBytes("""{"resourceType":"Patient","id":"a","name":[{"family":"Ødegård"}]}"""),
            Encoding.UTF8.GetBytes("""{"resourceType":"Organization","id":"b","name":"Legekontoret"}"""),
        };

        var json = RawEntries.Splice(Encoding.UTF8.GetBytes(serializer.SerializeToString(bundle)), stored);

        var parsed = new FhirJsonDeserializer(new DeserializerSettings()).Deserialize<Bundle>(Encoding.UTF8.GetString(json));
        Assert.Equal(2, parsed.Total);
        Assert.Equal(3, parsed.Entry.Count);
        Assert.Equal("Ødegård", Assert.IsType<Patient>(parsed.Entry[0].Resource).Name[0].Family);
        Assert.Equal(Bundle.SearchEntryMode.Match, parsed.Entry[0].Search.Mode);
        Assert.Equal("Legekontoret", Assert.IsType<Organization>(parsed.Entry[1].Resource).Name);
        Assert.Equal("http://x/fhir/Organization/b", parsed.Entry[1].FullUrl);
        Assert.Equal("x ignored", Assert.IsType<OperationOutcome>(parsed.Entry[2].Resource).Issue[0].Diagnostics);
    }
}
