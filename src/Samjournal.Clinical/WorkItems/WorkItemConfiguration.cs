using System.Globalization;
using Microsoft.Extensions.Configuration;
using Samjournal.Clinical.Demo;
using Samjournal.Clinical.Results;

namespace Samjournal.Clinical.WorkItems;

/// <summary>
/// Reads the <c>WorkItems</c> configuration section: <c>Routes</c> (each with <c>Unit</c>
/// (organisation number), <c>Types</c>, <c>Role</c>, <c>Responsible</c> and <c>EscalateTo</c> (HPR
/// numbers) and optional <c>Deadlines</c> per priority), <c>ReceivingUnits</c>, <c>Deadlines</c>
/// per type (or <c>*</c>) and priority, <c>ResultFallbackUnit</c>, <c>CriticalRanges</c> per LOINC
/// code (<c>Low</c>, <c>High</c>) and <c>EscalationIntervalSeconds</c> (0: the worker only runs when asked).
/// Durations are written as .NET time spans: <c>3.00:00:00</c> is three days, <c>02:00:00</c> two hours.
/// </summary>
public static class WorkItemConfiguration
{
    public static WorkItemRoutes ReadRoutes(IConfiguration config)
    {
        var section = config.GetSection("WorkItems");
        var routes = new List<WorkItemRoute>();
        foreach (var entry in section.GetSection("Routes").GetChildren())
        {
            var unit = Required(entry, "Unit");
            var deadlines = Durations(entry.GetSection("Deadlines"));
            foreach (var type in entry.GetSection("Types").GetChildren().Select(t => t.Value).OfType<string>())
            {
                routes.Add(new WorkItemRoute(type, unit, entry["Name"], Required(entry, "Role"), Required(entry, "Responsible"), Required(entry, "EscalateTo"), deadlines));
            }
        }

        var receiving = section.GetSection("ReceivingUnits").GetChildren().Select(u => u.Value).OfType<string>().ToList();
        if (config.GetValue("Seed:Demo", true))
        {
            // Every demo unit where someone works can be sent work, so each needs its routes.
            receiving.AddRange(DemoStaff.All.Select(s => DemoOrganisation.Of(s.Unit).OrganisationNumber));
        }

        var typeDeadlines = section.GetSection("Deadlines").GetChildren()
            .ToDictionary(t => t.Key, t => Durations(t), StringComparer.Ordinal);
        return new WorkItemRoutes(routes, receiving, typeDeadlines, section["ResultFallbackUnit"]);
    }

    public static CriticalRanges ReadCriticalRanges(IConfiguration config) => new(
        config.GetSection("WorkItems:CriticalRanges").GetChildren().Select(c => new CriticalRange(
            c.Key, Number(c, "Low"), Number(c, "High"))).ToList());

    public static TimeSpan EscalationInterval(IConfiguration config) =>
        TimeSpan.FromSeconds(config.GetValue("WorkItems:EscalationIntervalSeconds", 300.0));

    private static IReadOnlyDictionary<string, TimeSpan> Durations(IConfigurationSection section) =>
        section.GetChildren().ToDictionary(
            p => p.Key,
            p => TimeSpan.TryParse(p.Value, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
                ? span
                : throw new InvalidOperationException($"{p.Path} is '{p.Value}', not a positive duration such as 3.00:00:00 (three days) or 02:00:00 (two hours)."),
            StringComparer.Ordinal);

    private static string Required(IConfigurationSection entry, string key) =>
        entry[key] is { Length: > 0 } value ? value : throw new InvalidOperationException($"{entry.Path} has no {key}: every route names its unit, role, responsible person and escalation target.");

    private static decimal? Number(IConfigurationSection entry, string key) =>
        entry[key] is not { } text ? null
        : decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value
        : throw new InvalidOperationException($"{entry.Path}:{key} is '{text}', not a number.");
}
