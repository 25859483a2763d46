using System.Data.Common;
using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;
using Npgsql;
using Samjournal.Tests.Infrastructure;
using static Samjournal.Tests.Search.CustomParameters;

namespace Samjournal.Tests.Search;

/// <summary>
/// A reindex interrupted by stopping the host continues on the next start from the last
/// committed batch: every resource is indexed exactly once, none is missed.
/// </summary>
public sealed class CustomSearchParameterRestartTests
{
    private const int Patients = 12;

    [Fact]
    public async Task A_reindex_stopped_midway_resumes_after_a_restart_on_sqlite()
    {
        var directory = Path.Combine(Path.GetTempPath(), "samjournal-tests", Guid.NewGuid().ToString("N"));
        var file = Path.Combine(directory, "samjournal.db");
        try
        {
            await StopAndResumeAsync("Sqlite", $"Data Source={file}", () => new SqliteConnection($"Data Source={file}"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_reindex_stopped_midway_resumes_after_a_restart_on_postgres()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await StopAndResumeAsync("Postgres", database.ConnectionString, () => new NpgsqlConnection(database.ConnectionString));
    }

    private static async Task StopAndResumeAsync(string provider, string connectionString, Func<DbConnection> connect)
    {
        var code = "kommune" + Guid.NewGuid().ToString("N")[..10];
        var marker = Guid.NewGuid().ToString("N")[..8];
        var kommune = new Dictionary<string, string>();
        string definitionId;
        long processedAtStop;

        // Batches of 2 with a pause: 12 patients take six batches, long enough to stop between.
        var first = new ExistingDatabaseHost(provider, connectionString, batchPauseMs: 250);
        await first.InitializeAsync();
        try
        {
            for (var i = 0; i < Patients; i++)
            {
                var patient = new Patient { Identifier = [new Identifier("urn:oid:2.16.578.1.12.4.1.4.1", Guid.NewGuid().ToString("N"))] };
                var created = await (await first.Client.PostAsync("Patient", FhirClientExtensions.Json(WithKommune(patient, $"{marker}-{i % 4}")))).ExpectAsync<Patient>(HttpStatusCode.Created);
                kommune[created.Id] = $"{marker}-{i % 4}";
            }

            var definition = await (await first.Client.PostAsync("SearchParameter", FhirClientExtensions.Json(Kommune(code)))).ExpectAsync<SearchParameter>(HttpStatusCode.Created);
            definitionId = definition.Id;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                var status = await StatusAsync(first.Client, definitionId);
                processedAtStop = Number(status, "processed");
                if (State(status) == "running" && processedAtStop > 0)
                {
                    break;
                }

                Assert.True(State(status) is "queued" or "running", $"The job ended {State(status)} before the host could be stopped.");
                Assert.True(DateTime.UtcNow < deadline, "The job did not start.");
                await Task.Delay(20);
            }
        }
        finally
        {
            await first.DisposeAsync();
        }

        var (stateAfterStop, processedAfterStop) = await JobRowAsync(connect, definitionId);
        Assert.Equal("running", stateAfterStop);
        Assert.InRange(processedAfterStop, processedAtStop, Patients - 1);

        var second = new ExistingDatabaseHost(provider, connectionString, batchPauseMs: 0);
        await second.InitializeAsync();
        try
        {
            var done = await WaitUntilDoneAsync(second.Client, definitionId);
            Assert.Equal(Patients, Number(done, "processed"));
            Assert.Equal(Patients, Number(done, "total"));

            foreach (var value in kommune.Values.Distinct())
            {
                var bundle = await (await second.Client.GetAsync($"Patient?{code}={value}&_count=100")).ExpectAsync<Bundle>(HttpStatusCode.OK);
                Assert.Equal(kommune.Where(k => k.Value == value).Select(k => k.Key).Order(), bundle.Entry.Select(e => e.Resource.Id).Order());
            }
        }
        finally
        {
            await second.DisposeAsync();
        }

        // Exactly one index row per patient: nothing redone twice, nothing missed.
        Assert.Equal(Patients, await IndexRowsAsync(connect, code));
    }

    private static async Task<(string State, long Processed)> JobRowAsync(Func<DbConnection> connect, string resourceId)
    {
        await using var connection = connect();
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT state, processed FROM reindex_jobs WHERE resource_id = '{resourceId}' ORDER BY job_id DESC LIMIT 1";
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetInt64(1));
    }

    private static async Task<long> IndexRowsAsync(Func<DbConnection> connect, string code)
    {
        await using var connection = connect();
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM idx_token t JOIN search_params s ON s.param_id = t.param_id WHERE s.code = '{code}'";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
