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

    public async Task<ResourceReference?> OrganisationOfAsync(DomainResource record, CancellationToken ct)
    {
        var (named, encounter) = record switch
        {
            MedicationStatement s => (new[] { s.InformationSource }, s.Context),
            MedicationRequest r => (new[] { r.Requester, r.Recorder, r.Performer }, r.Encounter),
            _ => ([], null),
        };
        // A practitioner's role is the weakest clue (they may work at several places): tried last.
        var references = named.Append(encounter).OfType<ResourceReference>()
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
            organisation = found switch
            {
                PractitionerRole role => role.Organization,
                Encounter stay => stay.ServiceProvider,
                _ => null,
            };
            _known[target] = organisation;
        }

        return organisation;
    }
}
