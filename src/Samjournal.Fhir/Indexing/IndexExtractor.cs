using Hl7.Fhir.Model;

namespace Samjournal.Fhir.Indexing;

// Interim: replaced by the full extractor from the indexing branch.
public static class IndexExtractor
{
    public static IndexEntries Extract(Resource resource)
    {
        var entries = new IndexEntries();
        if (resource is Patient p)
        {
            foreach (var i in p.Identifier)
            {
                entries.Tokens.Add(new TokenEntry("identifier", i.System, i.Value, null));
            }
        }

        return entries;
    }
}

public static class PatientCompartment
{
    public static IReadOnlyList<string> PatientIds(Resource resource, IndexEntries entries) =>
        resource is Patient p && p.Id is not null ? [p.Id] : [];
}

public static class StringNormalizer
{
    public static string Normalize(string value) => value.ToLowerInvariant();
}
