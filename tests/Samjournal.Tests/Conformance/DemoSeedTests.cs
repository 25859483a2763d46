using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Clinical.Identifiers;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Conformance;

public sealed class SeededSqliteHost : SqliteHost
{
    protected override bool SeedDemo => true;
}

/// <summary>The embedded default seeds the demo region into an empty store on first start.</summary>
public sealed class DemoSeedTests(SeededSqliteHost host) : RestTestBase(host), IClassFixture<SeededSqliteHost>
{
    [Fact]
    public async Task A_fresh_store_gets_the_demo_region_with_30_patients_with_synthetic_fodselsnummer()
    {
        var history = await (await Client.GetAsync("Patient/_history?_count=1000")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var patients = history.Entry.Select(e => (Patient)e.Resource).ToList();

        Assert.Equal(30, patients.Count);
        Assert.All(patients, p =>
        {
            var fnr = p.Identifier.Single(i => i.System == NorwegianSystems.Fodselsnummer).Value;
            var check = NorwegianIdentity.Check(fnr);
            Assert.True(check.IsValid && check.IsSynthetic, $"{fnr}: {check.Error}");
        });
        Assert.All(patients, p => Assert.NotEmpty(p.GeneralPractitioner));
    }

    [Fact]
    public async Task The_demo_region_has_a_hospital_municipality_and_gp_offices_with_staff()
    {
        var organizations = await (await Client.GetAsync("Organization/_history?_count=1000")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var practitioners = await (await Client.GetAsync("Practitioner/_history?_count=1000")).ExpectAsync<Bundle>(HttpStatusCode.OK);

        Assert.True(organizations.Entry.Count >= 7);
        Assert.InRange(practitioners.Entry.Count, 12, 20);
        Assert.All(practitioners.Entry, e => Assert.Contains(((Practitioner)e.Resource).Identifier, i => i.System == NorwegianSystems.HprNummer));
    }

    [Fact]
    public async Task A_demo_parent_signs_in_and_sees_the_young_childs_record_and_no_one_elses()
    {
        using var parent = await Host.ClientForAsync("lars.odegard", "patient/*.rs");
        var children = await (await parent.GetAsync("Patient?name=Emma")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        var emma = (Patient)Assert.Single(children.Entry).Resource;
        Assert.Equal("Ødegård", emma.Name[0].Family);
        var allergies = await (await parent.GetAsync($"AllergyIntolerance?patient=Patient/{emma.Id}")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.NotEmpty(allergies.Entry);

        var noah = await (await parent.GetAsync("Patient?name=Noah")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Empty(noah.Entry);
    }
}
