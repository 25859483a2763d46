using Microsoft.Extensions.Time.Testing;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.WorkItems;

/// <summary>
/// A host over the seeded demo region whose clock the test moves (a <see cref="FakeTimeProvider"/>
/// registered as the host's TimeProvider), with the escalation worker's timer off so only the test
/// runs passes, plus queues at test units (organisation numbers 3990000xx) that no other test
/// writes to, so counts there are exact.
/// </summary>
internal static class WorkItemHostSetup
{
    public const string QueueTestUnit = "399000011";
    public const string EscalationTestUnit = "399000012";

    public static void Configure(WebApplicationBuilder builder, FakeTimeProvider time)
    {
        builder.Services.AddSingleton<TimeProvider>(time);
        var settings = new Dictionary<string, string?> { ["WorkItems:EscalationIntervalSeconds"] = "0" };
        var index = 100;
        foreach (var unit in new[] { QueueTestUnit, EscalationTestUnit })
        {
            settings[$"WorkItems:Routes:{index}:Unit"] = unit;
            settings[$"WorkItems:Routes:{index}:Name"] = "Testenhet " + unit;
            settings[$"WorkItems:Routes:{index}:Role"] = "doctor";
            settings[$"WorkItems:Routes:{index}:Responsible"] = "9100101";   // Ingrid Haugen
            settings[$"WorkItems:Routes:{index}:EscalateTo"] = "9100103";    // Sigrid Lie
            for (var t = 0; t < Samjournal.Clinical.WorkItems.WorkItemTypes.All.Count; t++)
            {
                settings[$"WorkItems:Routes:{index}:Types:{t}"] = Samjournal.Clinical.WorkItems.WorkItemTypes.All[t];
            }

            index++;
        }

        builder.Configuration.AddInMemoryCollection(settings);
    }
}

public sealed class WorkItemSqliteHost : SqliteHost
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override bool SeedDemo => true;

    protected override void ConfigureBuilder(WebApplicationBuilder builder) => WorkItemHostSetup.Configure(builder, Time);
}

public sealed class WorkItemPostgresHost : PostgresHost
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override bool SeedDemo => true;

    protected override void ConfigureBuilder(WebApplicationBuilder builder) => WorkItemHostSetup.Configure(builder, Time);
}
