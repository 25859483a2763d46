namespace Samjournal.Clinical.WorkItems;

/// <summary>
/// The queue registry: every (work-item type, receiving unit) and its route, plus the deadline
/// rules. Built once from configuration and checked before the host starts (<see cref="Problems"/>),
/// so a kind of work or a unit nobody owns stops the host instead of filling a queue nobody watches.
/// </summary>
public sealed class WorkItemRoutes
{
    /// <summary>Used when neither the route nor the type names a deadline for a priority.</summary>
    public static readonly IReadOnlyDictionary<string, TimeSpan> DefaultDeadlines = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        ["routine"] = TimeSpan.FromDays(3),
        ["urgent"] = TimeSpan.FromDays(1),
        ["asap"] = TimeSpan.FromHours(8),
        ["stat"] = TimeSpan.FromHours(2),
    };

    private readonly Dictionary<(string Type, string Unit), WorkItemRoute> _routes = [];
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, TimeSpan>> _typeDeadlines;
    private readonly List<string> _problems = [];

    /// <param name="routes">The routes; two for one (type, unit) is a problem.</param>
    /// <param name="receivingUnits">Organisation numbers of units that receive work beyond those the routes name.</param>
    /// <param name="typeDeadlines">Deadlines per type then priority; type <c>*</c> for every type.</param>
    /// <param name="resultFallbackUnit">Where results with no known orderer or unit go.</param>
    public WorkItemRoutes(
        IEnumerable<WorkItemRoute> routes, IEnumerable<string> receivingUnits,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, TimeSpan>> typeDeadlines, string? resultFallbackUnit)
    {
        _typeDeadlines = typeDeadlines;
        ResultFallbackUnit = resultFallbackUnit;
        foreach (var route in routes)
        {
            if (!WorkItemTypes.All.Contains(route.Type, StringComparer.Ordinal))
            {
                _problems.Add($"a route names work-item type '{route.Type}', which is not one of {string.Join(", ", WorkItemTypes.All)}");
            }
            else if (!_routes.TryAdd((route.Type, route.UnitOrganisationNumber), route))
            {
                _problems.Add($"two routes for '{route.Type}' at unit {route.UnitOrganisationNumber}: one queue has one owner");
            }
        }

        ReceivingUnits = _routes.Keys.Select(k => k.Unit).Concat(receivingUnits).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (_routes.Count == 0)
        {
            _problems.Add("no routes are configured (WorkItems:Routes)");
        }

        foreach (var type in WorkItemTypes.All)
        {
            foreach (var unit in ReceivingUnits.Where(u => !_routes.ContainsKey((type, u))))
            {
                _problems.Add($"no route for '{type}' at receiving unit {unit}{NameOf(unit)}");
            }
        }

        if (resultFallbackUnit is null)
        {
            _problems.Add("no fallback unit for results with no known orderer (WorkItems:ResultFallbackUnit)");
        }
        else if (!_routes.ContainsKey((WorkItemTypes.ResultSignOff, resultFallbackUnit)))
        {
            _problems.Add($"the fallback unit for results, {resultFallbackUnit}, has no route for '{WorkItemTypes.ResultSignOff}'");
        }
    }

    public IReadOnlyList<WorkItemRoute> All => [.. _routes.Values.OrderBy(r => r.UnitOrganisationNumber, StringComparer.Ordinal).ThenBy(r => r.Type, StringComparer.Ordinal)];

    /// <summary>Every unit that receives work: each must have a route for every work-item type.</summary>
    public IReadOnlyList<string> ReceivingUnits { get; }

    /// <summary>Organisation number of the unit whose queue takes results nobody else can own.</summary>
    public string? ResultFallbackUnit { get; }

    /// <summary>What is missing or contradictory; the host refuses to start unless this is empty.</summary>
    public IReadOnlyList<string> Problems => _problems;

    public WorkItemRoute? Find(string type, string unitOrganisationNumber) =>
        _routes.GetValueOrDefault((type, unitOrganisationNumber));

    /// <summary>How long a work item of this route and priority may wait: the route's own rule,
    /// else the type's, else the one for every type, else <see cref="DefaultDeadlines"/>.</summary>
    public TimeSpan Deadline(WorkItemRoute? route, string type, string priority)
    {
        if (route?.Deadlines.TryGetValue(priority, out var own) == true)
        {
            return own;
        }

        foreach (var key in new[] { type, "*" })
        {
            if (_typeDeadlines.TryGetValue(key, out var rules) && rules.TryGetValue(priority, out var rule))
            {
                return rule;
            }
        }

        return DefaultDeadlines.GetValueOrDefault(priority, DefaultDeadlines["routine"]);
    }

    private string NameOf(string unit) => _routes.Values.FirstOrDefault(r => r.UnitOrganisationNumber == unit && r.UnitName is not null) is { } named ? $" ({named.UnitName})" : "";
}
