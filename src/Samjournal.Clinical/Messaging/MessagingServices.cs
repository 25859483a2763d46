using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Samjournal.Access.Repository;
using Samjournal.Clinical.WorkItems;
using Samjournal.Fhir.Interactions;

namespace Samjournal.Clinical.Messaging;

public static class MessagingServices
{
    /// <summary>
    /// Registers messaging: the address directory, the outbox rules, the referral answers and the
    /// discharge summary's dispatch (rules inside the door), the delivery worker, the inbox behind
    /// <c>$process-message</c> and the daily reconciliation. Needs <see cref="WorkItemServices.AddWorkItems"/>
    /// first (failures go on work-item queues). Refuses to start when the fallback unit, which owns
    /// failures of messages no unit sent, has no <c>message-failure</c> route.
    /// </summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration config)
    {
        var fallback = config.GetValue<string>("WorkItems:ResultFallbackUnit") ?? "";
        var options = MessagingOptions.Read(config, fallback);
        services.AddSingleton(options);
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton(sp =>
        {
            var routes = sp.GetRequiredService<WorkItemRoutes>();
            if (routes.Find(WorkItemTypes.MessageFailure, options.FallbackUnit) is null)
            {
                throw new InvalidOperationException(
                    $"Samjournal will not start: Messaging:FallbackUnit ({options.FallbackUnit}) needs a '{WorkItemTypes.MessageFailure}' route, so a message that fails always has an owner.");
            }

            return new MessageDirectory(routes, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<IWriteHook>(sp => new OutboxRules(
            sp.GetRequiredService<MessageDirectory>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<OutboxSignal>(), options.FallbackUnit));
        services.AddSingleton<IWriteHook, ReferralAnswers>();
        services.AddSingleton<IWriteHook>(sp => new DischargeSummaryDispatch(sp.GetRequiredService<MessageDirectory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new MessageDelivery(
            sp.GetRequiredService<RecordAccess>(), options, sp.GetRequiredService<OutboxSignal>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MessageDelivery>>()));
        services.AddHostedService(sp => sp.GetRequiredService<MessageDelivery>());
        services.AddSingleton(sp => new MessageInbox(
            sp.GetRequiredService<RecordAccess>(), sp.GetRequiredService<MessageDirectory>(), sp.GetRequiredService<WorkItemRoutes>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<OutboxSignal>(), sp.GetRequiredService<ILogger<MessageInbox>>()));
        services.AddSingleton(sp => new MessageReconciliation(
            sp.GetRequiredService<RecordAccess>(), options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MessageReconciliation>>()));
        services.AddHostedService(sp => sp.GetRequiredService<MessageReconciliation>());
        return services;
    }
}
