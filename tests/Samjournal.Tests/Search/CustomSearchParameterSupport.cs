using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Search;

/// <summary>Hosts that reindex in small, paced batches, so a job spans several batches and a
/// test can act while it runs.</summary>
public sealed class SmallBatchSqliteHost : SqliteHost
{
    protected override void ConfigureBuilder(WebApplicationBuilder builder) => CustomParameters.SmallBatches(builder);
}

public sealed class SmallBatchPostgresHost : PostgresHost
{
    protected override void ConfigureBuilder(WebApplicationBuilder builder) => CustomParameters.SmallBatches(builder);
}

/// <summary>A host on a database that outlives it: for stopping mid-job and starting again.</summary>
public sealed class ExistingDatabaseHost(string provider, string connectionString, int batchPauseMs) : SamjournalHost
{
    public override string Backend => provider;

    protected override Task<Dictionary<string, string>> DatabaseSettingsAsync() => Task.FromResult(new Dictionary<string, string>
    {
        ["Storage:Provider"] = provider,
        ["ConnectionStrings:Samjournal"] = connectionString,
        ["Search:ReindexBatchSize"] = "2",
        ["Search:ReindexBatchPauseMs"] = batchPauseMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });
}

/// <summary>Test data and requests around the kommune (municipality) extension parameter.</summary>
public static class CustomParameters
{
    public const string KommuneUrl = "http://example.org/sj/kommune";
    public const string KommuneSystem = "http://example.org/sj/kommunenummer";

    public static void SmallBatches(WebApplicationBuilder builder)
    {
        builder.Configuration["Search:ReindexBatchSize"] = "3";
        builder.Configuration["Search:ReindexBatchPauseMs"] = "100";
    }

    public static SearchParameter Kommune(string code) => new()
    {
        Url = "http://example.org/sj/SearchParameter/" + code,
        Name = code,
        Status = PublicationStatus.Active,
        Description = "The patient's municipality (kommune)",
        Code = code,
        Base = [ResourceType.Patient],
        Type = SearchParamType.Token,
        Expression = $"Patient.extension.where(url='{KommuneUrl}').value",
    };

    public static Patient WithKommune(Patient patient, string kommune)
    {
        patient.Extension.RemoveAll(e => e.Url == KommuneUrl);
        patient.Extension.Add(new Extension(KommuneUrl, new Coding(KommuneSystem, kommune)));
        return patient;
    }

    public static async Task<Parameters> StatusAsync(HttpClient client, string id) =>
        await (await client.GetAsync($"SearchParameter/{id}/$reindex-status")).ExpectAsync<Parameters>(HttpStatusCode.OK);

    public static string State(Parameters status) => ((Code)status.GetSingleValue<Code>("state")).Value;

    public static long Number(Parameters status, string name) => status.GetSingleValue<Integer>(name)!.Value!.Value;

    /// <summary>Polls the status until the job is done; fails if it ends otherwise or takes too long.</summary>
    public static async Task<Parameters> WaitUntilDoneAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var status = await StatusAsync(client, id);
            var state = State(status);
            if (state == "done")
            {
                return status;
            }

            Assert.True(state is "queued" or "running", $"The reindex ended {state}.");
            Assert.True(DateTime.UtcNow < deadline, "The reindex did not finish in 90 s.");
            await Task.Delay(50);
        }
    }
}
