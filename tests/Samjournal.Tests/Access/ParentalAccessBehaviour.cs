using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Conformance;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Access;

/// <summary>
/// pasient- og brukerrettighetsloven § 3-4, by the child's age on today's date in Norway: under 12
/// a parent with parental responsibility sees the whole record; from 12 to 16 not what is reserved
/// from parents; from 16 (at 00:00 on the birthday) nothing without the young person's consent.
/// </summary>
public abstract class ParentalAccessBehaviour(SamjournalHost host) : AccessTestBase(host)
{
    private const string Fnr = "urn:oid:2.16.578.1.12.4.1.4.1";
    private static readonly TimeZoneInfo Norway = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    public enum Expect
    {
        Whole,
        WithoutReserved,
        Nothing,
    }

    [Theory]
    [InlineData("11", -11, -30, Expect.Whole)]
    [InlineData("12", -12, -30, Expect.WithoutReserved)]
    [InlineData("15", -15, -30, Expect.WithoutReserved)]
    [InlineData("turns 16 tomorrow", -16, 1, Expect.WithoutReserved)]
    [InlineData("turns 16 today", -16, 0, Expect.Nothing)]
    [InlineData("16", -16, -30, Expect.Nothing)]
    [InlineData("17", -17, -30, Expect.Nothing)]
    public async Task A_parent_sees_the_childs_record_by_the_childs_age(string age, int years, int days, Expect expected)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Norway).DateTime);
        var child = await ChildAsync(today.AddYears(years).AddDays(days));
        var (open, reserved) = (await ObservationAsync(child.Id, reserved: false), await ObservationAsync(child.Id, reserved: true));
        using var parent = await Host.ClientForAsync("anne.bjornstad", "patient/*.rs");

        var patient = await parent.GetAsync($"Patient/{child.Id}");
        var openRead = await parent.GetAsync($"Observation/{open.Id}");
        var reservedRead = await parent.GetAsync($"Observation/{reserved.Id}");
        var found = await parent.GetAsync($"Observation?subject=Patient/{child.Id}&_total=accurate");
        var bundle = await found.ExpectAsync<Bundle>(HttpStatusCode.OK);
        switch (expected)
        {
            case Expect.Whole:
                Assert.Equal(HttpStatusCode.OK, patient.StatusCode);
                Assert.Equal(HttpStatusCode.OK, openRead.StatusCode);
                Assert.Equal(HttpStatusCode.OK, reservedRead.StatusCode);
                Assert.Equal(2, bundle.Total);
                break;
            case Expect.WithoutReserved:
                Assert.Equal(HttpStatusCode.OK, patient.StatusCode);
                Assert.Equal(HttpStatusCode.OK, openRead.StatusCode);
                Assert.Equal(HttpStatusCode.Forbidden, reservedRead.StatusCode);
                Assert.Equal(1, bundle.Total);
                break;
            default:
                Assert.Equal(HttpStatusCode.Forbidden, patient.StatusCode);
                Assert.Equal(HttpStatusCode.Forbidden, openRead.StatusCode);
                Assert.Equal(0, bundle.Total);
                break;
        }

        _ = age;
    }

    [Fact]
    public async Task From_16_the_young_persons_consent_lets_a_parent_in()
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Norway).DateTime);
        var child = await ChildAsync(today.AddYears(-17));
        using var parent = await Host.ClientForAsync("anne.bjornstad", "patient/*.rs");
        await (await parent.GetAsync($"Patient/{child.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        var relation = await FindAsync<RelatedPerson>($"RelatedPerson?patient=Patient/{child.Id}");
        await PostAsync(new Consent
        {
            Status = Consent.ConsentState.Active,
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
            Category = [new CodeableConcept("http://loinc.org", "59284-0")],
            Patient = new ResourceReference("Patient/" + child.Id),
            Provision = new Consent.provisionComponent
            {
                Type = Consent.ConsentProvisionType.Permit,
                Actor = [new Consent.provisionActorComponent
                {
                    Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "PRN"),
                    Reference = new ResourceReference("RelatedPerson/" + relation.Id),
                }],
            },
        });
        (await parent.GetAsync($"Patient/{child.Id}")).EnsureSuccessStatusCode();
    }

    private async Task<Patient> ChildAsync(DateOnly birthDate)
    {
        var child = NewPatient("Bjørnstad");
        child.BirthDate = birthDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        child = await PostAsync(child);
        var mother = await FindAsync<Patient>("Patient?given=Anne&family=Bjørnstad");
        await PostAsync(new RelatedPerson
        {
            Active = true,
            Patient = new ResourceReference("Patient/" + child.Id),
            Identifier = [mother.Identifier.First(i => i.System == Fnr)],
            Relationship =
            [
                new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "MTH"),
                new CodeableConcept("https://samjournal.no/fhir/CodeSystem/related-person-role", "parental-responsibility"),
            ],
            Name = mother.Name,
        });
        return child;
    }

    private Task<Observation> ObservationAsync(string childId, bool reserved) => PostAsync(new Observation
    {
        Meta = reserved ? new Meta { Security = [new Coding("https://samjournal.no/fhir/CodeSystem/reservation", "reserved-from-parents")] } : null,
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "8302-2"),
        Subject = new ResourceReference("Patient/" + childId),
    });

}

public sealed class ParentalAccessOnSqlite(SeededSqliteHost host) : ParentalAccessBehaviour(host), IClassFixture<SeededSqliteHost>;

public sealed class ParentalAccessOnPostgres(SeededPostgresHost host) : ParentalAccessBehaviour(host), IClassFixture<SeededPostgresHost>;
