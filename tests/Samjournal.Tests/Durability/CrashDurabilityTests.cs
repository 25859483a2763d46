using System.Collections.Concurrent;
using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Samjournal.Tests.Durability;

/// <summary>Invariant 1: a write that returned 2xx survives a crash (kill -9) of the server.</summary>
public sealed class CrashDurabilityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_acknowledged_write_survives_kill_9_on_sqlite()
    {
        var directory = Path.Combine(Path.GetTempPath(), "samjournal-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await WritesSurviveAKillAsync("Sqlite", $"Data Source={Path.Combine(directory, "crash.db")}", directory);
    }

    [Fact]
    public async Task Every_acknowledged_write_survives_kill_9_on_postgres()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await WritesSurviveAKillAsync("Postgres", database.ConnectionString, Path.GetTempPath());
    }

    private async Task WritesSurviveAKillAsync(string provider, string connectionString, string workingDirectory)
    {
        var acknowledged = new ConcurrentDictionary<string, string>();
        using (var server = await ServerProcess.StartAsync(provider, connectionString, workingDirectory))
        {
            using var client = server.CreateClient();
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested && i < 10_000; i++)
                {
                    var patient = new Patient { Name = [new HumanName { Family = $"Krasj{w}-{i}" }] };
                    try
                    {
                        var response = await client.PostAsync("Patient", FhirClientExtensions.Json(patient));
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            var created = await response.ReadResourceAsync<Patient>();
                            acknowledged[created.Id] = created.Name[0].Family;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // The server is gone; only what was acknowledged before counts.
                    }
                }
            })).ToList(); // start them now, not when awaited

            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (acknowledged.Count < 150)
            {
                Assert.True(DateTime.UtcNow < deadline && writers.Any(w => !w.IsCompleted), $"Only {acknowledged.Count} writes were acknowledged; the server is not taking writes.");
                await Task.Delay(10);
            }

            server.Kill(); // mid-write: the four writers have requests in flight
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        output.WriteLine($"{provider}: {acknowledged.Count} writes acknowledged before the kill.");
        using var restarted = await ServerProcess.StartAsync(provider, connectionString, workingDirectory);
        using var reader = restarted.CreateClient();
        foreach (var (id, family) in acknowledged)
        {
            var response = await reader.GetAsync($"Patient/{id}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"Acknowledged Patient/{id} was lost in the crash ({(int)response.StatusCode}).");
            Assert.Equal(family, (await response.ReadResourceAsync<Patient>()).Name[0].Family);
        }
    }
}
