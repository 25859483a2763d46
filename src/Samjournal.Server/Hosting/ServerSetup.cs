using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Samjournal.Access;
using Samjournal.Fhir.Storage;
using Samjournal.Access.Validation;
using Samjournal.Clinical.MedicationList;
using Samjournal.Clinical.Medications;
using Samjournal.Clinical.Messaging;
using Samjournal.Clinical.WorkItems;
using Samjournal.Server.Auth;
using Samjournal.Server.FhirApi;
using Samjournal.Server.Web;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.Hosting;

/// <summary>Configuration and wiring of the host; Program.cs stays a few lines.</summary>
public static class ServerSetup
{
    public const string DefaultConnectionString = "Data Source=data/samjournal.db";

    public static WebApplicationBuilder AddSamjournal(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var providerText = config["Storage:Provider"] ?? nameof(StoreProvider.Sqlite);
        if (!Enum.TryParse<StoreProvider>(providerText, ignoreCase: true, out var provider))
        {
            throw new InvalidOperationException($"Storage:Provider '{providerText}' is not known: use Sqlite or Postgres.");
        }

        var connectionString = config.GetConnectionString("Samjournal")
            ?? (provider == StoreProvider.Sqlite ? DefaultConnectionString : throw new InvalidOperationException("Storage:Provider is Postgres, so ConnectionStrings:Samjournal must name the database."));

        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Limits.MaxRequestBodySize = config.GetValue<long?>("Fhir:MaxRequestBodyBytes") ?? 64 * 1024 * 1024);

        // Request lines carry URLs, and FHIR URLs can carry patient data (?identifier=<fødselsnummer>).
        // They stay out of the logs whatever the configuration says.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);

        // TryAdd: a test host registers a FakeTimeProvider first and moves the clock itself.
        builder.Services.TryAddSingleton(TimeProvider.System);
        // Search:ReindexBatchSize and Search:ReindexBatchPauseMs pace the background reindex of
        // custom SearchParameters (tests use small batches so a job spans several).
        var reindex = new Samjournal.Fhir.Reindexing.ReindexOptions(
            config.GetValue("Search:ReindexBatchSize", 500),
            TimeSpan.FromMilliseconds(config.GetValue("Search:ReindexBatchPauseMs", 0)));
        // Access policy: grace after a care relation ends, emergency access length, and the roles
        // that see protected addresses (none unless configured).
        builder.Services.AddSingleton(sp => new Samjournal.Access.Policy.AccessOptions
        {
            RelationGracePeriod = TimeSpan.FromDays(config.GetValue("Access:RelationGraceDays", 14.0)),
            EmergencyAccessDuration = TimeSpan.FromHours(config.GetValue("Access:EmergencyAccessHours", 4.0)),
            ProtectedAddressRoles = (config.GetSection("Access:ProtectedAddressRoles").Get<string[]>() ?? []).ToHashSet(StringComparer.Ordinal),
            Time = sp.GetRequiredService<TimeProvider>(),
        });
        builder.Services.AddSamjournalRecord(new StoreOptions(provider, connectionString), reindex);
        builder.Services.AddMedicationList();
        builder.Services.AddPrescribingChecks();
        // Work items: routes (WorkItems:Routes), result sign-off, escalation; refuses to start with a gap.
        builder.Services.AddWorkItems(config);
        // Messaging: address directory, outbox, delivery worker, inbox, daily reconciliation.
        builder.Services.AddMessaging(config);
        builder.Services.AddSingleton<CapabilityStatementBuilder>();
        builder.Services.AddFhirValidation(warmUpAtStartup: config.GetValue("Fhir:WarmUpValidator", true));
        builder.Services.AddExceptionHandler<FhirErrorHandling>();
        builder.Services.AddProblemDetails();
        builder.AddSamjournalAuth();
        // The clinician's web app at /, signed in with the embedded provider's users.
        builder.AddSamjournalWeb();
        if (config.GetValue("Seed:Demo", true))
        {
            builder.Services.AddHostedService<DemoSeeder>();
        }

        return builder;
    }

    public static WebApplication MapSamjournal(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            // Unmatched routes and methods under /fhir answer in FHIR terms too.
            var http = context.HttpContext;
            if (http.Request.Path.StartsWithSegments("/fhir") && http.Response.StatusCode is 404 or 405)
            {
                await FhirErrorHandling.WriteAsync(http, http.Response.StatusCode == 404
                    ? FhirError.NotFound($"There is no FHIR interaction at {http.Request.Method} {http.Request.Path}.")
                    : new FhirError(System.Net.HttpStatusCode.MethodNotAllowed, Hl7.Fhir.Model.OperationOutcome.IssueType.NotSupported, $"{http.Request.Method} is not allowed on {http.Request.Path}."));
            }
        });

        app.UseSamjournalAuth();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapFhirApi();
        app.UseSamjournalWeb();
        return app;
    }
}
