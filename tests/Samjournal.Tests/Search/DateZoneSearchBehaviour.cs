using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Search;

/// <summary>
/// Dates without a time zone are Norwegian dates: a day runs from midnight to midnight in Oslo
/// (23 hours on the last Sunday of March, 25 on the last Sunday of October), in the index and in
/// search values alike. The expected days below are read off the observations' own local times.
/// </summary>
public abstract class DateZoneSearchBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private async Task<List<string>> IdsAsync(string query)
    {
        var bundle = await (await Client.GetAsync(query)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        return [.. bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id).Order()];
    }

    private async Task<string> ObservationAtAsync(string patientId, string effective)
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4"),
            Subject = new ResourceReference($"Patient/{patientId}"),
            Effective = new FhirDateTime(effective),
        };
        return (await (await Client.PostAsync("Observation", FhirClientExtensions.Json(observation))).ExpectAsync<Observation>(HttpStatusCode.Created)).Id;
    }

    [Theory]
    // Late evening in winter: 22:30 UTC, still the 10th in Oslo.
    [InlineData("2024-03-10T23:30:00+01:00", "2024-03-10", "2024-03-11")]
    // Just after midnight, an hour into the short day: the 31st in UTC, 1 April in Oslo.
    [InlineData("2024-04-01T00:30:00+02:00", "2024-04-01", "2024-03-31")]
    // The last half hour of the 23-hour day.
    [InlineData("2024-03-31T23:30:00+02:00", "2024-03-31", "2024-04-01")]
    // The first half hour of the 25-hour day: the 26th in UTC, the 27th in Oslo.
    [InlineData("2024-10-27T00:30:00+02:00", "2024-10-27", "2024-10-26")]
    // The last half hour of the 25-hour day, after the clocks went back.
    [InlineData("2024-10-27T23:30:00+01:00", "2024-10-27", "2024-10-28")]
    // Given in UTC: 23:15 UTC on 30 June is 01:15 on 1 July in Oslo.
    [InlineData("2024-06-30T23:15:00Z", "2024-07-01", "2024-06-30")]
    public async Task A_time_is_found_by_its_Norwegian_day_and_not_by_the_neighbouring_day(string effective, string day, string otherDay)
    {
        var patient = await CreateAsync(NewPatient());
        var id = await ObservationAtAsync(patient.Id, effective);
        var scope = $"Observation?subject=Patient/{patient.Id}";

        Assert.Equal([id], await IdsAsync($"{scope}&date={day}"));
        Assert.Empty(await IdsAsync($"{scope}&date={otherDay}"));
        Assert.Equal([id], await IdsAsync($"{scope}&date={day[..7]}"));
    }

    [Fact]
    public async Task Prefixed_dates_start_and_end_at_Oslo_midnight()
    {
        var patient = await CreateAsync(NewPatient());
        var beforeMidnight = await ObservationAtAsync(patient.Id, "2024-01-31T23:45:00+01:00");
        var afterMidnight = await ObservationAtAsync(patient.Id, "2024-02-01T00:15:00+01:00");
        var scope = $"Observation?subject=Patient/{patient.Id}";

        Assert.Equal([afterMidnight], await IdsAsync($"{scope}&date=ge2024-02-01"));
        Assert.Equal([beforeMidnight], await IdsAsync($"{scope}&date=lt2024-02-01"));
        Assert.Equal([beforeMidnight], await IdsAsync($"{scope}&date=le2024-01-31"));
        Assert.Equal([afterMidnight], await IdsAsync($"{scope}&date=gt2024-01-31"));
        // A clock time without a zone in the search value is Oslo time too.
        Assert.Equal([afterMidnight], await IdsAsync($"{scope}&date=ge2024-02-01T00:00:00"));
        Assert.Equal([beforeMidnight], await IdsAsync($"{scope}&date=lt2024-02-01T00:00:00"));
    }

    [Fact]
    public async Task A_birth_date_is_the_Norwegian_day_compared_with_an_instant()
    {
        var marker = Unique()[..8];
        var patient = NewPatient($"Sone{marker}");
        patient.BirthDate = "1990-07-01";
        var born = await CreateAsync(patient);
        var scope = $"Patient?family=Sone{marker}";

        // The Norwegian 1 July 1990 began at 22:00 UTC on 30 June (summer time).
        Assert.Equal([born.Id], await IdsAsync($"{scope}&birthdate=1990-07-01"));
        Assert.Equal([born.Id], await IdsAsync($"{scope}&birthdate=ap{Uri.EscapeDataString("1990-06-30T22:30:00Z")}"));
        Assert.Equal([born.Id], await IdsAsync($"{scope}&birthdate=lt{Uri.EscapeDataString("1990-06-30T23:00:00Z")}"));
        Assert.Empty(await IdsAsync($"{scope}&birthdate=lt{Uri.EscapeDataString("1990-06-30T22:00:00Z")}"));
        Assert.Empty(await IdsAsync($"{scope}&birthdate=ge{Uri.EscapeDataString("1990-07-01T22:00:00Z")}"));
        Assert.Equal([born.Id], await IdsAsync($"{scope}&birthdate=ge{Uri.EscapeDataString("1990-07-01T21:59:00Z")}"));
    }
}

public sealed class DateZoneSearchOnSqlite(SqliteHost host) : DateZoneSearchBehaviour(host), IClassFixture<SqliteHost>;

public sealed class DateZoneSearchOnPostgres(PostgresHost host) : DateZoneSearchBehaviour(host), IClassFixture<PostgresHost>;
