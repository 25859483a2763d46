using Hl7.Fhir.Model;
using Samjournal.Clinical.WorkItems;
using Samjournal.Fhir.Interactions;

namespace Samjournal.Clinical.Results;

/// <summary>Who signs a result, and whose queue it is in: the orderer (or their cover), and the unit
/// with a route for results that the item belongs to; <see cref="Note"/> says why, when it is not the orderer.</summary>
internal sealed record ResultRecipient(ResourceReference? Person, ResourceReference Unit, string? Note);

/// <summary>
/// Finds who must sign a result. The orderer is the requester of the ServiceRequest the result is
/// based on. An orderer who is absent (a PractitionerRole whose <c>notAvailable.during</c> covers
/// now) is replaced by the cover named on that role with extension <see cref="CoverUrl"/>. A result
/// with no order, or whose orderer is not a known person, has no person: it goes to its unit's queue.
/// The unit is the first with a route for results of: the orderer's role's unit, the result's
/// performer, the order's performer, the encounter's service provider, and the configured fallback.
/// </summary>
internal sealed class ResultRecipients(WorkItemRoutes routes, TimeProvider time)
{
    /// <summary>On a PractitionerRole: valueReference(Practitioner) covering for the person while absent.</summary>
    public const string CoverUrl = "https://samjournal.no/fhir/StructureDefinition/practitionerrole-cover";

    public async Task<ResultRecipient> FindAsync(Resource result, ServiceRequest? order, IWriteTransaction transaction, CancellationToken ct)
    {
        var directory = new WorkItemDirectory((t, q, c) => transaction.SearchAsync(t, q, 5, c));
        var units = new List<ResourceReference>();
        ResourceReference? person = null;
        string? note = null;
        var requester = WorkItemTasks.Literal(order?.Requester);
        var roles = new List<PractitionerRole>();
        if (requester?.StartsWith("PractitionerRole/", StringComparison.Ordinal) == true
            && await transaction.ReadAsync("PractitionerRole", requester["PractitionerRole/".Length..], ct) is PractitionerRole role)
        {
            roles.Add(role);
            person = role.Practitioner;
        }
        else if (requester?.StartsWith("Practitioner/", StringComparison.Ordinal) == true
            && await transaction.ReadAsync("Practitioner", requester["Practitioner/".Length..], ct) is Practitioner)
        {
            person = new ResourceReference(requester, order?.Requester?.Display);
            roles.AddRange((await transaction.SearchAsync("PractitionerRole", "practitioner=" + requester, 20, ct)).OfType<PractitionerRole>());
        }

        if (person is null)
        {
            note = order is null ? "Svaret har ingen rekvisisjon: lagt i enhetens kø." : "Rekvirenten er ukjent: lagt i enhetens kø.";
        }
        else if (roles.FirstOrDefault(IsAbsent)?.GetExtensionValue<ResourceReference>(CoverUrl) is { } cover)
        {
            note = $"Rekvirenten {person.Display ?? person.Reference} er fraværende: sendt til stedfortreder.";
            person = cover;
        }

        units.AddRange(roles.Select(r => r.Organization).OfType<ResourceReference>());
        units.AddRange(Performers(result));
        units.AddRange(order?.Performer ?? []);
        foreach (var encounter in new[] { EncounterOf(result), order?.Encounter })
        {
            if (WorkItemTasks.Literal(encounter) is { } e && e.StartsWith("Encounter/", StringComparison.Ordinal)
                && await transaction.ReadAsync("Encounter", e["Encounter/".Length..], ct) is Encounter { ServiceProvider: { } provider })
            {
                units.Add(provider);
            }
        }

        foreach (var unit in units.Where(u => WorkItemTasks.Literal(u)?.StartsWith("Organization/", StringComparison.Ordinal) == true || u.Identifier is not null))
        {
            if (await directory.OrganisationNumberAsync(unit, transaction.ReadAsync, ct) is { } number && routes.Find(WorkItemTypes.ResultSignOff, number) is { } route)
            {
                return new ResultRecipient(person, await directory.UnitAsync(number, route.UnitName, ct), note);
            }
        }

        var fallback = routes.ResultFallbackUnit!;
        return new ResultRecipient(person, await directory.UnitAsync(fallback, routes.Find(WorkItemTypes.ResultSignOff, fallback)?.UnitName, ct), note);
    }

    private bool IsAbsent(PractitionerRole role)
    {
        var now = time.GetUtcNow();
        return role.NotAvailable.Any(n => n.During is { } during
            && (during.StartElement?.ToDateTimeOffset(TimeSpan.Zero) ?? DateTimeOffset.MinValue) <= now
            && (during.EndElement?.ToDateTimeOffset(TimeSpan.Zero) ?? DateTimeOffset.MaxValue) > now);
    }

    private static IEnumerable<ResourceReference> Performers(Resource result) => result switch
    {
        Observation o => o.Performer,
        DiagnosticReport r => r.Performer,
        _ => [],
    };

    private static ResourceReference? EncounterOf(Resource result) => result switch
    {
        Observation o => o.Encounter,
        DiagnosticReport r => r.Encounter,
        _ => null,
    };
}
