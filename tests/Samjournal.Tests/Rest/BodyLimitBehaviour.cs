using System.Net;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Rest;

public sealed class SmallBodySqliteHost : SqliteHost
{
    protected override void ConfigureBuilder(WebApplicationBuilder builder) =>
        builder.Configuration["Fhir:MaxRequestBodyBytes"] = "2048";
}

/// <summary>The body limit is configuration, not a property of the database, so one backend suffices.</summary>
public sealed class BodyLimitBehaviour(SmallBodySqliteHost host) : RestTestBase(host), IClassFixture<SmallBodySqliteHost>
{
    [Fact]
    public async Task A_body_over_the_configured_limit_is_refused_with_413_and_changes_nothing()
    {
        var patient = NewPatient();
        patient.Name[0].Given = [new string('a', 5000)];

        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("Patient", FhirClientExtensions.Json(patient)), HttpStatusCode.RequestEntityTooLarge, "larger");
        await CreateAsync(NewPatient());
    }
}
