using Hl7.Fhir.Model;
using Samjournal.Access.Repository;

namespace Samjournal.Clinical.MedicationList;

/// <summary>
/// Which organisation a medication record comes from. R4 has no single element for it, so it is
/// read from what the record names, most specific first: an Organization as requester or source,
/// a PractitionerRole's organisation, the encounter's service provider, and last a Practitioner's
/// first role's organisation. Looked-up roles and encounters are remembered for the request.
/// </summary>
internal sealed class SourceOrigins(ScopedRepository repo)
{
    private readonly Dictionary<string, ResourceReference?> _known = new(StringComparer.Ordinal);

    /// <summary>Looks up, in one search per type, every role, encounter and practitioner the records
    /// name, so a long medication list costs a few searches instead of one per record.</summary>
    public async System.Threading.Tasks.Task PrefetchAsync(IEnumerable<DomainResource> records, CancellationToken ct)
    {
        var wanted = records.SelectMany(Clues).Select(r => r.Reference).OfType<string>().Distinct(StringComparer.Ordinal)
            .Select(r => r.Split('/')).Where(p => p.Length == 2 && Id.IsValidValue(p[1]) && !_known.ContainsKey($"{p[0]}/{p[1]}")).ToList();
        foreach (var type in new[] { "PractitionerRole", "Encounter" })
        {
            foreach (var chunk in wanted.Where(p => p[0] == type).Select(p => p[1]).Chunk(100))
            {
                var found = (await repo.FindAsync(type, "_id=" + string.Join(',', chunk), chunk.Length, ct)).ToDictionary(r => r.Id!, StringComparer.Ordinal);
                foreach (var id in chunk)
                {
                    _known[$"{type}/{id}"] = OrganisationIn(found.GetValueOrDefault(id));
                }
            }
        }

        // A practitioner's first role, as a single lookup would find it: the roles in the store's order.
        foreach (var chunk in wanted.Where(p => p[0] == "Practitioner").Select(p => "Practitioner/" + p[1]).Chunk(50))
        {
            var roles = (await repo.FindAsync("PractitionerRole", "practitioner=" + string.Join(',', chunk), 1000, ct)).OfType<PractitionerRole>().ToList();
            foreach (var practitioner in chunk)
            {
                _known[practitioner] = roles.FirstOrDefault(r => r.Practitioner?.Reference == practitioner)?.Organization;
            }
        }
    }

    public async Task<ResourceReference?> OrganisationOfAsync(DomainResource record, CancellationToken ct)
    {
        // A practitioner's role is the weakest clue (they may work at several places): tried last.
        var references = Clues(record)
            .OrderBy(r => r.Reference?.StartsWith("Practitioner/", StringComparison.Ordinal) == true ? 1 : 0);
        foreach (var reference in references)
        {
            if (await ResolveAsync(reference, ct) is { } organisation)
            {
                return organisation;
            }
        }

        return null;
    }

    /// <summary>The organisation a looked-up role or encounter names.</summary>
    private static ResourceReference? OrganisationIn(Resource? found) => found switch
    {
        PractitionerRole role => role.Organization,
        Encounter stay => stay.ServiceProvider,
        _ => null,
    };

    private static IEnumerable<ResourceReference> Clues(DomainResource record)
    {
        var (named, encounter) = record switch
        {
            MedicationStatement s => (new[] { s.InformationSource }, s.Context),
            MedicationRequest r => (new[] { r.Requester, r.Recorder, r.Performer }, r.Encounter),
            _ => ([], null),
        };
        return named.Append(encounter).OfType<ResourceReference>();
    }

    private async Task<ResourceReference?> ResolveAsync(ResourceReference reference, CancellationToken ct)
    {
        var target = reference.Reference;
        if (target is null)
        {
            return null;
        }

        if (target.StartsWith("Organization/", StringComparison.Ordinal))
        {
            return reference;
        }

        var parts = target.Split('/');
        if (parts.Length != 2 || parts[0] is not ("PractitionerRole" or "Encounter" or "Practitioner"))
        {
            return null;
        }

        if (!_known.TryGetValue(target, out var organisation))
        {
            // A practitioner alone names no organisation; their role does (the first, when they have several).
            var found = parts[0] == "Practitioner"
                ? (await repo.FindAsync("PractitionerRole", "practitioner=" + target, 1, ct)).FirstOrDefault()
                : (await repo.FindAsync(parts[0], "_id=" + parts[1], 1, ct)).FirstOrDefault();
            organisation = OrganisationIn(found);
            _known[target] = organisation;
        }

        return organisation;
    }
}
