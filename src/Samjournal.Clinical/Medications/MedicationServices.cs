using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Samjournal.Clinical.Medications.Catalogue;
using Samjournal.Clinical.Medications.Checks;
using Samjournal.Fhir.Interactions;

namespace Samjournal.Clinical.Medications;

public static class MedicationServices
{
    /// <summary>The medication catalogue (the demo catalogue unless an <see cref="IFestCatalogueLoader"/>
    /// is registered first) and the prescribing checks as a write hook. The catalogue is loaded while
    /// the host starts, so a broken one stops the host instead of weakening the checks.</summary>
    public static IServiceCollection AddPrescribingChecks(this IServiceCollection services)
    {
        services.TryAddSingleton<IFestCatalogueLoader, DemoFestCatalogueLoader>();
        services.AddSingleton(sp => new MedicationCatalogue(sp.GetRequiredService<IFestCatalogueLoader>().Load()));
        services.AddSingleton<IWriteHook, PrescribingCheckHook>();
        services.AddHostedService<CatalogueAtStart>();
        return services;
    }

    // Taking the catalogue is enough: building it loads and checks it, and a failure here stops the start.
    private sealed class CatalogueAtStart(MedicationCatalogue catalogue) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(catalogue);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
