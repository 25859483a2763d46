namespace Samjournal.Clinical.WorkItems;

/// <summary>
/// Who owns one queue: work of <see cref="Type"/> sent to the unit with organisation number
/// <see cref="UnitOrganisationNumber"/> is owned by <see cref="Role"/> at that unit, with
/// <see cref="ResponsibleHpr"/> named as responsible (overdue items move to that person's list)
/// and <see cref="EscalationHpr"/> as the next level (items still untouched move on to them).
/// People are named by HPR number and units by organisation number, the identifiers that stay
/// the same in every copy of the record; the Task carries the resolved references.
/// </summary>
public sealed record WorkItemRoute(
    string Type,
    string UnitOrganisationNumber,
    string? UnitName,
    string Role,
    string ResponsibleHpr,
    string EscalationHpr,
    IReadOnlyDictionary<string, TimeSpan> Deadlines);
