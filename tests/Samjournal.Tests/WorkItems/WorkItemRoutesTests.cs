using Hl7.Fhir.Model;
using Samjournal.Clinical.Results;
using Samjournal.Clinical.WorkItems;

namespace Samjournal.Tests.WorkItems;

public sealed class WorkItemRoutesTests
{
    private static readonly IReadOnlyDictionary<string, TimeSpan> NoDeadlines = new Dictionary<string, TimeSpan>();

    private static IEnumerable<WorkItemRoute> EveryType(string unit, IReadOnlyDictionary<string, TimeSpan>? deadlines = null) =>
        WorkItemTypes.All.Select(t => new WorkItemRoute(t, unit, null, "doctor", "1", "2", deadlines ?? NoDeadlines));

    private static WorkItemRoutes Routes(IEnumerable<WorkItemRoute> routes, IEnumerable<string>? receiving = null, string? fallback = "1") =>
        new(routes, receiving ?? [], new Dictionary<string, IReadOnlyDictionary<string, TimeSpan>>(), fallback);

    [Fact]
    public void A_complete_registry_has_no_problems()
    {
        Assert.Empty(Routes(EveryType("1").Concat(EveryType("2"))).Problems);
    }

    [Fact]
    public void Each_gap_duplicate_and_unknown_type_is_named()
    {
        var routes = EveryType("1").Where(r => r.Type != WorkItemTypes.Referral)
            .Append(new WorkItemRoute(WorkItemTypes.MessageToRead, "1", null, "nurse", "1", "2", NoDeadlines))
            .Append(new WorkItemRoute("coffee", "1", null, "nurse", "1", "2", NoDeadlines));

        var problems = Routes(routes, receiving: ["3"], fallback: "3").Problems;

        Assert.Contains("no route for 'referral' at receiving unit 1", problems);
        Assert.Contains("two routes for 'message-to-read' at unit 1: one queue has one owner", problems);
        Assert.Contains(problems, p => p.Contains("'coffee'", StringComparison.Ordinal));
        Assert.Equal(WorkItemTypes.All.Count, problems.Count(p => p.EndsWith("at receiving unit 3", StringComparison.Ordinal)));
        Assert.Contains("the fallback unit for results, 3, has no route for 'result-sign-off'", problems);
        Assert.Contains("no routes are configured (WorkItems:Routes)", Routes([]).Problems);
    }

    [Fact]
    public void A_deadline_comes_from_the_route_then_the_type_then_every_type_then_the_default()
    {
        var own = new Dictionary<string, TimeSpan> { ["stat"] = TimeSpan.FromMinutes(30) };
        var byType = new Dictionary<string, IReadOnlyDictionary<string, TimeSpan>>
        {
            ["referral"] = new Dictionary<string, TimeSpan> { ["routine"] = TimeSpan.FromDays(10) },
            ["*"] = new Dictionary<string, TimeSpan> { ["urgent"] = TimeSpan.FromHours(12) },
        };
        var routes = new WorkItemRoutes(EveryType("1", own), [], byType, "1");
        var route = routes.Find(WorkItemTypes.Referral, "1");

        Assert.Equal(TimeSpan.FromMinutes(30), routes.Deadline(route, WorkItemTypes.Referral, "stat"));
        Assert.Equal(TimeSpan.FromDays(10), routes.Deadline(route, WorkItemTypes.Referral, "routine"));
        Assert.Equal(TimeSpan.FromHours(12), routes.Deadline(route, WorkItemTypes.Referral, "urgent"));
        Assert.Equal(TimeSpan.FromHours(8), routes.Deadline(route, WorkItemTypes.Referral, "asap"));
        Assert.Equal(TimeSpan.FromDays(3), routes.Deadline(route, WorkItemTypes.ResultSignOff, "routine"));
    }

    [Theory]
    [InlineData("HH", null, true)]
    [InlineData("LL", null, true)]
    [InlineData("AA", null, true)]
    [InlineData("H", null, false)]
    [InlineData(null, 6.6, true)]
    [InlineData(null, 2.4, true)]
    [InlineData(null, 6.5, false)]
    public void A_value_is_critical_by_its_interpretation_or_its_configured_range(string? interpretation, double? value, bool critical)
    {
        var ranges = new CriticalRanges([new CriticalRange("2823-3", 2.5m, 6.5m)]);
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "2823-3"),
            Value = value is null ? null : new Quantity((decimal)value.Value, "mmol/L"),
            Interpretation = interpretation is null ? [] : [new CodeableConcept(CriticalRanges.InterpretationSystem, interpretation)],
        };

        Assert.Equal(critical, ranges.IsCritical(observation));
    }
}
