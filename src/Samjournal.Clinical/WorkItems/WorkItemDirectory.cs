using Hl7.Fhir.Model;
using Samjournal.Clinical.Identifiers;

namespace Samjournal.Clinical.WorkItems;

/// <summary>
/// Turns the identifiers routes use (organisation numbers, HPR numbers) into references a Task
/// can carry, through whatever reads the record for the caller (a write's transaction, a
/// worker's door). A unit or person not in this record is named by identifier alone (a logical
/// reference), so the work item still names its owner; one that is in it gets a literal
/// reference with the identifier beside it.
/// </summary>
public sealed class WorkItemDirectory(Func<string, string, CancellationToken, Task<IReadOnlyList<Resource>>> search)
{
    public async Task<ResourceReference> UnitAsync(string organisationNumber, string? name, CancellationToken ct)
    {
        var found = (await search("Organization", $"identifier={NorwegianSystems.Organisasjonsnummer}|{organisationNumber}", ct)).OfType<Organization>().FirstOrDefault();
        return new ResourceReference
        {
            Reference = found is null ? null : "Organization/" + found.Id,
            Type = "Organization",
            Identifier = new Identifier(NorwegianSystems.Organisasjonsnummer, organisationNumber),
            Display = found?.Name ?? name,
        };
    }

    public async Task<ResourceReference> PersonAsync(string hpr, CancellationToken ct)
    {
        var found = (await search("Practitioner", $"identifier={NorwegianSystems.HprNummer}|{hpr}", ct)).OfType<Practitioner>().FirstOrDefault();
        return new ResourceReference
        {
            Reference = found is null ? null : "Practitioner/" + found.Id,
            Type = "Practitioner",
            Identifier = new Identifier(NorwegianSystems.HprNummer, hpr),
            Display = found?.Name.FirstOrDefault() is { } n ? string.Join(' ', n.Given.Append(n.Family).Where(p => p is not null)) : null,
        };
    }

    /// <summary>The organisation number of the unit <paramref name="unit"/> names: from the reference's
    /// identifier, else from the Organization it points to.</summary>
    public async Task<string?> OrganisationNumberAsync(ResourceReference unit, Func<string, string, CancellationToken, Task<Resource?>> read, CancellationToken ct)
    {
        if (unit.Identifier is { System: NorwegianSystems.Organisasjonsnummer, Value: { } number })
        {
            return number;
        }

        return WorkItemTasks.Literal(unit) is { } literal && literal.StartsWith("Organization/", StringComparison.Ordinal)
            && await read("Organization", literal["Organization/".Length..], ct) is Organization organization
            ? organization.Identifier.FirstOrDefault(i => i.System == NorwegianSystems.Organisasjonsnummer)?.Value
            : null;
    }
}
