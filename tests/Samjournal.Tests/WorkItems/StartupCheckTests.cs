using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.WorkItems;

/// <summary>A host whose configuration leaves a work-item type or a receiving unit without a route
/// does not start, and says what is missing.</summary>
public abstract class StartupCheckBehaviour
{
    protected abstract SamjournalHost UnitWithoutRoutes();

    protected abstract SamjournalHost TypeWithoutRoute();

    [Fact]
    public async Task The_host_refuses_to_start_when_a_receiving_unit_has_no_route()
    {
        var host = UnitWithoutRoutes();
        try
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(host.InitializeAsync);
            Assert.Contains("will not start", refused.Message);
            Assert.Contains("no route for 'result-sign-off' at receiving unit 399999990", refused.Message);
            Assert.Contains("no route for 'emergency-access' at receiving unit 399999990", refused.Message);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_host_refuses_to_start_when_a_work_item_type_has_no_route_at_a_unit()
    {
        var host = TypeWithoutRoute();
        try
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(host.InitializeAsync);
            Assert.Contains("no route for 'emergency-access' at receiving unit 310900605 (Sentrum legesenter Fjordvik)", refused.Message);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    internal static void UnitWithoutRoutes(WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["WorkItems:ReceivingUnits:0"] = "399999990" });

    // The demo route for Sentrum legesenter lists all six types; the sixth (emergency-access) is replaced.
    internal static void TypeWithoutRoute(WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["WorkItems:Routes:12:Types:5"] = "referral" });
}

public sealed class StartupCheckOnSqlite : StartupCheckBehaviour
{
    protected override SamjournalHost UnitWithoutRoutes() => new Configured(StartupCheckBehaviour.UnitWithoutRoutes);

    protected override SamjournalHost TypeWithoutRoute() => new Configured(StartupCheckBehaviour.TypeWithoutRoute);

    private sealed class Configured(Action<WebApplicationBuilder> configure) : SqliteHost
    {
        protected override void ConfigureBuilder(WebApplicationBuilder builder) => configure(builder);
    }
}

public sealed class StartupCheckOnPostgres : StartupCheckBehaviour
{
    protected override SamjournalHost UnitWithoutRoutes() => new Configured(StartupCheckBehaviour.UnitWithoutRoutes);

    protected override SamjournalHost TypeWithoutRoute() => new Configured(StartupCheckBehaviour.TypeWithoutRoute);

    private sealed class Configured(Action<WebApplicationBuilder> configure) : PostgresHost
    {
        protected override void ConfigureBuilder(WebApplicationBuilder builder) => configure(builder);
    }
}
