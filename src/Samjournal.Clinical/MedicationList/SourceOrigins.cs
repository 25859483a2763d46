using Hl7.Fhir.Model;
using Samjournal.Access.Repository;

namespace Samjournal.Clinical.MedicationList;

/// <summary>
/// Which organisation a medication record comes from. R4 has no single element for it, so it is
/// read from what the record names, most specific first: an Organization as requester or source,
/// a PractitionerRole's organisation, then the encounter's service provider. Looked-up roles and
/// encounters are remembered for the request.
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
        foreach (var reference in named.Append(encounter).OfType<ResourceReference>())
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

        if (!target.StartsWith("PractitionerRole/", StringComparison.Ordinal) && !target.StartsWith("Encounter/", StringComparison.Ordinal))
        {
            return null;
        }

        if (!_known.TryGetValue(target, out var organisation))
        {
            var parts = target.Split('/');
            var found = parts.Length == 2 ? (await repo.FindAsync(parts[0], "_id=" + parts[1], 1, ct)).FirstOrDefault() : null;
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
