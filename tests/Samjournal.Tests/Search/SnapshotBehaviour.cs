using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Interactions;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Search;

/// <summary>
/// A search's page, includes and total come from one snapshot. The engine's test seam writes a new
/// match after the page is read and before the includes and total are; the answer must not see it,
/// and the write must not wait for the search (a reader never blocks a writer).
/// </summary>
public abstract class SnapshotBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private async Task<Observation> ObservationAsync(string patientId) =>
        await (await Client.PostAsync("Observation", FhirClientExtensions.Json(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("urn:test", "hb"),
            Subject = new ResourceReference($"Patient/{patientId}"),
        }))).ExpectAsync<Observation>(HttpStatusCode.Created);

    private async Task<Bundle> SearchWithAWriteInBetweenAsync(string query, string patientId)
    {
        var engine = Host.Services.GetRequiredService<FhirEngine>();
        var wrote = 0;
        engine.AfterFirstSearchStatement = async _ =>
        {
            if (Interlocked.Exchange(ref wrote, 1) == 0)
            {
                await ObservationAsync(patientId).WaitAsync(TimeSpan.FromSeconds(30));
            }
        };
        try
        {
            return await (await Client.GetAsync(query)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        }
        finally
        {
            engine.AfterFirstSearchStatement = null;
            Assert.Equal(1, wrote);
        }
    }

    [Fact]
    public async Task The_total_counts_the_same_data_as_the_page_even_when_a_match_is_written_in_between()
    {
        var patient = await CreateAsync(NewPatient());
        var made = new[] { await ObservationAsync(patient.Id), await ObservationAsync(patient.Id) };
        var query = $"Observation?subject=Patient/{patient.Id}&_total=accurate";

        var bundle = await SearchWithAWriteInBetweenAsync(query, patient.Id);

        Assert.Equal(made.Select(o => o.Id).Order(), bundle.Entry.Select(e => e.Resource.Id).Order());
        Assert.Equal(made.Length, bundle.Total);
        var after = await (await Client.GetAsync(query)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(made.Length + 1, after.Total);
    }

    [Fact]
    public async Task Revincludes_come_from_the_same_snapshot_as_the_page()
    {
        var patient = await CreateAsync(NewPatient());
        var made = new[] { await ObservationAsync(patient.Id), await ObservationAsync(patient.Id) };

        var bundle = await SearchWithAWriteInBetweenAsync($"Patient?_id={patient.Id}&_revinclude=Observation:subject", patient.Id);

        Assert.Equal([patient.Id], bundle.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id));
        Assert.Equal(made.Select(o => o.Id).Order(), bundle.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Include).Select(e => e.Resource.Id).Order());
    }
}

public sealed class SnapshotOnSqlite(SqliteHost host) : SnapshotBehaviour(host), IClassFixture<SqliteHost>;

public sealed class SnapshotOnPostgres(PostgresHost host) : SnapshotBehaviour(host), IClassFixture<PostgresHost>;
