using Samjournal.Server.Auth;

namespace Samjournal.Tests.Summary;

/// <summary>The patient-wide reads are searches across types (a patient app with patient/*.rs may
/// read its own); the writing operations have no rule, so only a full grant may call them.</summary>
public sealed class SummaryScopeTests
{
    [Theory]
    [InlineData("GET", "/Patient/1/$medication-list", "medication-list", "*", "Search")]
    [InlineData("GET", "/Patient/1/$critical-info", "critical-info", "*", "Search")]
    [InlineData("POST", "/Patient/1/$reconcile-medications", "unknown", "*", null)]
    [InlineData("POST", "/Composition/1/$sign", "unknown", "*", null)]
    [InlineData("POST", "/Patient/1/$critical-info", "unknown", "*", null)]
    public void Each_operation_needs_its_permission(string method, string path, string name, string type, string? permission)
    {
        var interaction = FhirInteraction.Classify(method, path);
        Assert.Equal((name, type, permission), (interaction.Name, interaction.Type, interaction.Permission?.ToString()));
    }

    [Fact]
    public void A_patient_app_may_read_the_summaries_but_not_reconcile()
    {
        var app = new SmartScopes(["patient/*.rs"]);
        Assert.True(FhirInteraction.Classify("GET", "/Patient/1/$critical-info").AllowedBy(app));
        Assert.True(FhirInteraction.Classify("GET", "/Patient/1/$medication-list").AllowedBy(app));
        Assert.False(FhirInteraction.Classify("POST", "/Patient/1/$reconcile-medications").AllowedBy(app));
        Assert.False(FhirInteraction.Classify("POST", "/Composition/1/$sign").AllowedBy(app));
    }
}
