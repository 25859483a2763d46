using Microsoft.Extensions.DependencyInjection;
using Samjournal.Clinical.Summary;
using Samjournal.Fhir.Interactions;

namespace Samjournal.Clinical.MedicationList;

public static class MedicationListServices
{
    /// <summary>The one medication list: reconciliation, the discharge summary made from the
    /// reconciled list, and the rules in the door that hold both on every write path.</summary>
    public static IServiceCollection AddMedicationList(this IServiceCollection services)
    {
        services.AddSingleton<IWriteHook, ReconciledListRules>();
        services.AddSingleton<IWriteHook, DischargeSummaryRules>();
        services.AddSingleton(sp => new MedicationReconciliation(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton(sp => new DischargeSummarySigning(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }
}
