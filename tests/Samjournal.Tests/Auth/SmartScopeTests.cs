using Samjournal.Server.Auth;

namespace Samjournal.Tests.Auth;

public sealed class SmartScopeTests
{
    [Theory]
    [InlineData("patient/Observation.rs", "Observation", "Read", true)]
    [InlineData("patient/Observation.rs", "Observation", "Search", true)]
    [InlineData("patient/Observation.rs", "Observation", "Create", false)]
    [InlineData("patient/Observation.rs", "Patient", "Read", false)]
    [InlineData("user/*.cruds", "Encounter", "Delete", true)]
    [InlineData("system/*.cruds", "Patient", "Create", true)]
    [InlineData("user/Patient.cu", "Patient", "Update", true)]
    [InlineData("user/Patient.cu", "Patient", "Read", false)]
    [InlineData("patient/Observation.read", "Observation", "Search", true)]
    [InlineData("patient/Observation.read", "Observation", "Update", false)]
    [InlineData("user/Observation.write", "Observation", "Delete", true)]
    [InlineData("user/Observation.write", "Observation", "Read", false)]
    [InlineData("user/*.*", "Condition", "Create", true)]
    [InlineData("user/*.read", "*", "Search", true)]
    [InlineData("user/Observation.rs", "*", "Search", false)]
    [InlineData("user/Observation.sr", "Observation", "Read", false)]
    [InlineData("user/Observation.rrs", "Observation", "Read", false)]
    [InlineData("patient/Observation.rs?category=laboratory", "Observation", "Read", false)]
    [InlineData("launch/patient", "Patient", "Read", false)]
    [InlineData("openid", "Patient", "Read", false)]
    [InlineData("admin/*.cruds", "Patient", "Read", false)]
    [InlineData("user/observation.rs", "observation", "Read", false)]
    public void A_scope_grants_exactly_its_permissions_on_its_type(string scope, string type, string permission, bool allowed) =>
        Assert.Equal(allowed, new SmartScopes([scope]).Allows(type, Enum.Parse<SmartPermission>(permission)));

    [Theory]
    [InlineData("GET", "/metadata", "capabilities", "", null)]
    [InlineData("GET", "/Patient", "search-type", "Patient", "Search")]
    [InlineData("POST", "/Observation/_search", "search-type", "Observation", "Search")]
    [InlineData("POST", "/Observation", "create", "Observation", "Create")]
    [InlineData("PUT", "/Observation", "conditional-update", "Observation", "Update")]
    [InlineData("DELETE", "/Observation", "conditional-delete", "Observation", "Delete")]
    [InlineData("GET", "/Observation/1", "read", "Observation", "Read")]
    [InlineData("PUT", "/Observation/1", "update", "Observation", "Update")]
    [InlineData("PATCH", "/Observation/1", "patch", "Observation", "Update")]
    [InlineData("DELETE", "/Observation/1", "delete", "Observation", "Delete")]
    [InlineData("GET", "/Observation/1/_history", "history-instance", "Observation", "Read")]
    [InlineData("GET", "/Observation/1/_history/2", "vread", "Observation", "Read")]
    [InlineData("GET", "/Observation/_history", "history-type", "Observation", "Search")]
    [InlineData("GET", "/_history", "history-system", "*", "Search")]
    [InlineData("GET", "/Patient/1/Observation", "search-compartment", "Observation", "Search")]
    [InlineData("GET", "/Patient/1/$everything", "everything", "*", "Search")]
    [InlineData("POST", "/Patient/1/$validate", "validate", "Patient", "Read")]
    [InlineData("GET", "/SearchParameter/1/$reindex-status", "reindex-status", "SearchParameter", "Read")]
    [InlineData("GET", "/Patient/1/$access-log", "patient-access-log", "AuditEvent", "Read")]
    [InlineData("POST", "/$verify-audit-trail", "unknown", "*", null)]
    [InlineData("POST", "/", "batch-transaction", "*", null)]
    [InlineData("GET", "/Patient/1/$something-new/x", "unknown", "*", null)]
    public void Each_FHIR_interaction_needs_its_permission(string method, string path, string name, string type, string? permission)
    {
        var interaction = FhirInteraction.Classify(method, path);
        Assert.Equal((name, type, permission), (interaction.Name, interaction.Type, interaction.Permission?.ToString()));
    }

    [Fact]
    public void An_interaction_without_a_rule_needs_every_permission_on_every_type()
    {
        var unknown = FhirInteraction.Classify("GET", "/Patient/1/$something-new/x");
        Assert.False(unknown.AllowedBy(new SmartScopes(["user/*.rs", "user/Patient.cruds"])));
        Assert.True(unknown.AllowedBy(new SmartScopes(["system/*.cruds"])));
    }
}
