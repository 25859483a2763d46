using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Storage;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Tests.Hooks;

/// <summary>
/// Rules in the door: a hook that refuses a write stops it on every path, and a reaction is
/// saved in the same transaction as the write it reacts to, or not at all.
/// </summary>
public sealed class ExampleRules : IWriteHook
{
    public ValueTask BeforeWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct)
    {
        if (write.Resource is Patient { Name: [{ Family: "Refused" }, ..] })
        {
            throw FhirOperationException.Unprocessable("This test rule refuses patients called Refused.");
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask AfterWriteAsync(WriteContext write, IWriteTransaction reactions, CancellationToken ct)
    {
        if (write.Method != VersionMethod.Create || write.Resource is not Observation observation)
        {
            return;
        }

        if (observation.Status == ObservationStatus.Cancelled)
        {
            throw new InvalidOperationException("Simulated crash in a reaction.");
        }

        await reactions.CreateAsync(
            new FhirTask
            {
                Status = FhirTask.TaskStatus.Requested,
                Intent = FhirTask.TaskIntent.Order,
                Focus = new ResourceReference($"Observation/{write.Id}"),
            },
            ct);
    }
}

public sealed class HookedSqliteHost : SqliteHost
{
    protected override void ConfigureBuilder(WebApplicationBuilder builder) => builder.Services.AddSingleton<IWriteHook, ExampleRules>();
}

public sealed class HookedPostgresHost : PostgresHost
{
    protected override void ConfigureBuilder(WebApplicationBuilder builder) => builder.Services.AddSingleton<IWriteHook, ExampleRules>();
}

public abstract class WriteHookBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private static Observation Observation(ObservationStatus status) => new()
    {
        Status = status,
        Code = new CodeableConcept("http://loinc.org", "718-7"),
    };

    [Fact]
    public async Task A_refusing_rule_stops_the_write_on_the_REST_path_and_in_a_transaction()
    {
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("Patient", FhirClientExtensions.Json(NewPatient("Refused"))), HttpStatusCode.UnprocessableEntity, "refuses");

        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new Bundle.EntryComponent { Resource = NewPatient(), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" } },
                new Bundle.EntryComponent { Resource = NewPatient("Refused"), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" } },
            ],
        };
        await AssertRefusedWithoutChangeAsync(() => Client.PostAsync("", FhirClientExtensions.Json(bundle)), HttpStatusCode.UnprocessableEntity, "refuses");
    }

    [Fact]
    public async Task A_reaction_is_saved_with_the_write_it_reacts_to()
    {
        var created = await (await Client.PostAsync("Observation", FhirClientExtensions.Json(Observation(ObservationStatus.Final)))).ExpectAsync<Observation>(HttpStatusCode.Created);

        var tasks = await (await Client.GetAsync("Task/_history?_count=1000")).ExpectAsync<Bundle>(HttpStatusCode.OK);

        Assert.Contains(tasks.Entry, e => ((FhirTask)e.Resource).Focus.Reference == $"Observation/{created.Id}");
    }

    [Fact]
    public async Task When_a_reaction_fails_the_write_is_not_saved_either()
    {
        var before = await NewestVersionAsync();

        var response = await Client.PostAsync("Observation", FhirClientExtensions.Json(Observation(ObservationStatus.Cancelled)));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(before, await NewestVersionAsync());
    }
}

public sealed class WriteHooksOnSqlite(HookedSqliteHost host) : WriteHookBehaviour(host), IClassFixture<HookedSqliteHost>;

public sealed class WriteHooksOnPostgres(HookedPostgresHost host) : WriteHookBehaviour(host), IClassFixture<HookedPostgresHost>;
