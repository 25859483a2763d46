using Samjournal.Access.Validation;
using Samjournal.Fhir.Validation;

namespace Samjournal.Tests.Validation;

public sealed class ValidationRegistrationTests
{
    [Fact]
    public void Validator_is_one_singleton_behind_both_service_types()
    {
        var services = new ServiceCollection().AddLogging().AddFhirValidation(warmUpAtStartup: false);
        using var provider = services.BuildServiceProvider();

        var validator = provider.GetRequiredService<ResourceValidator>();

        Assert.Same(validator, provider.GetRequiredService<IResourceValidator>());
        Assert.Same(validator, provider.GetRequiredService<ResourceValidator>());
        Assert.Empty(provider.GetServices<IHostedService>());
    }

    [Fact]
    public void Warm_up_at_startup_adds_a_hosted_service()
    {
        var services = new ServiceCollection().AddLogging().AddFhirValidation(warmUpAtStartup: true);
        using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IHostedService>());
    }
}
