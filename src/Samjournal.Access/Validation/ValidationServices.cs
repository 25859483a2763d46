using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

using Samjournal.Fhir.Validation;

namespace Samjournal.Access.Validation;

public static class ValidationServices
{
    /// <summary>
    /// Registers <see cref="ResourceValidator"/> as a singleton, also as <see cref="IResourceValidator"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="warmUpAtStartup">Compile the Patient and Observation schemas on a background thread when the
    /// host starts, so the first request does not wait for it (costs several seconds of CPU: leave it off in
    /// test hosts that do not validate). A missing specification archive then stops the host.</param>
    public static IServiceCollection AddFhirValidation(this IServiceCollection services, bool warmUpAtStartup)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<ResourceValidator>();
        services.AddSingleton<IResourceValidator>(sp => sp.GetRequiredService<ResourceValidator>());
        if (warmUpAtStartup)
        {
            services.AddHostedService<ValidatorWarmUp>();
        }

        return services;
    }

    /// <summary>Warms the validator up in the background, without delaying start-up.</summary>
    private sealed class ValidatorWarmUp(ResourceValidator validator) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
            Task.Run(() => validator.WarmUp(), stoppingToken);
    }
}
