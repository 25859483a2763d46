using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Samjournal.Access.Repository;
using Samjournal.Clinical.Results;
using Samjournal.Fhir.Interactions;

namespace Samjournal.Clinical.WorkItems;

public static class WorkItemServices
{
    /// <summary>
    /// Registers work items: the queue registry from <c>WorkItems</c> configuration, the rules that
    /// route every work-item Task and make every final result's sign-off, the escalation worker and
    /// the desk behind the worklist, signing and queue-health operations. Refuses, before the host
    /// starts, a configuration where a work-item type or a receiving unit has no route.
    /// </summary>
    public static IServiceCollection AddWorkItems(this IServiceCollection services, IConfiguration config)
    {
        var routes = WorkItemConfiguration.ReadRoutes(config);
        if (routes.Problems.Count > 0)
        {
            throw new InvalidOperationException(
                "Samjournal will not start: every kind of work and every unit that receives work needs a route (WorkItems:Routes), so nothing waits in a queue nobody owns. Missing or wrong: "
                + string.Join("; ", routes.Problems) + ".");
        }

        services.AddSingleton(routes);
        services.AddSingleton(WorkItemConfiguration.ReadCriticalRanges(config));
        services.AddSingleton(new WorkItemEscalationOptions(WorkItemConfiguration.EscalationInterval(config)));
        services.AddSingleton(sp => new ResultRecipients(routes, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IWriteHook>(sp => new WorkItemRouting(routes, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IWriteHook>(sp => new ResultSignOff(sp.GetRequiredService<ResultRecipients>(), sp.GetRequiredService<CriticalRanges>()));
        services.AddSingleton(sp => new WorkItemEscalation(
            sp.GetRequiredService<RecordAccess>(), routes, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<WorkItemEscalationOptions>(), sp.GetRequiredService<ILogger<WorkItemEscalation>>()));
        services.AddHostedService(sp => sp.GetRequiredService<WorkItemEscalation>());
        services.AddSingleton(sp => new WorkItemDesk(sp.GetRequiredService<RecordAccess>(), routes, sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
