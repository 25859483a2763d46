using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Samjournal.Clinical.Demo;
using Samjournal.Clinical.Identifiers;

namespace Samjournal.Tests.Clinical;

public class DemoRegionTests
{
    private static readonly DateOnly Today = new(2026, 11, 29);
    private static readonly Bundle Region = DemoRegion.BuildTransaction(Today);

    private static IEnumerable<T> All<T>(Bundle bundle)
        where T : Resource => bundle.Entry.Select(e => e.Resource).OfType<T>();

    [Fact]
    public void The_region_is_a_transaction_of_posts_with_urn_uuid_full_urls_and_no_ids()
    {
        Assert.Equal(Bundle.BundleType.Transaction, Region.Type);
        Assert.All(Region.Entry, entry =>
        {
            Assert.StartsWith("urn:uuid:", entry.FullUrl, StringComparison.Ordinal);
            Assert.True(Guid.TryParse(entry.FullUrl!["urn:uuid:".Length..], out _), entry.FullUrl);
            Assert.Equal(Bundle.HTTPVerb.POST, entry.Request!.Method);
            Assert.Equal(entry.Resource!.TypeName, entry.Request.Url);
            Assert.Null(entry.Resource.Id);
        });
        Assert.Equal(Region.Entry.Count, Region.Entry.Select(e => e.FullUrl).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_region_has_the_stated_units_staff_and_patients()
    {
        Assert.Equal(8, All<Organization>(Region).Count());
        Assert.Equal(5, All<Location>(Region).Count());
        Assert.Equal(15, All<Practitioner>(Region).Count());
        Assert.Equal(15, All<PractitionerRole>(Region).Count());
        Assert.Equal(30, All<Patient>(Region).Count());

        var names = All<Organization>(Region).Select(o => o.Name).ToList();
        Assert.Contains("Nidaros universitetssykehus HF", names);
        Assert.Contains("Fjordvik kommune", names);
        Assert.Equal(2, All<Organization>(Region).Count(o => o.PartOf?.Display == "Nidaros universitetssykehus HF"));
        Assert.Equal(2, All<Organization>(Region).Count(o => o.PartOf?.Display == "Fjordvik kommune"));
    }

    [Fact]
    public void Every_patient_has_a_history_of_one_to_four_conditions()
    {
        var conditionsPerPatient = All<Condition>(Region).GroupBy(c => c.Subject!.Reference!).ToDictionary(g => g.Key, g => g.Count());
        var patientUrls = Region.Entry.Where(e => e.Resource is Patient).Select(e => e.FullUrl!).ToList();

        Assert.All(patientUrls, url => Assert.InRange(conditionsPerPatient.GetValueOrDefault(url), 1, 4));
        Assert.NotEmpty(All<AllergyIntolerance>(Region));
        Assert.NotEmpty(All<MedicationRequest>(Region));
        Assert.NotEmpty(All<MedicationStatement>(Region));
    }

    [Fact]
    public void Conditions_medicines_and_labs_use_the_national_and_international_code_systems()
    {
        Assert.All(All<Condition>(Region), c =>
            Assert.Contains(c.Code!.Coding.Single().System, new[] { DemoCodes.Icd10, DemoCodes.Icpc2 }));
        Assert.All(All<MedicationRequest>(Region), m =>
            Assert.Equal("http://www.whocc.no/atc", ((CodeableConcept)m.Medication).Coding.Single().System));
        Assert.All(All<MedicationRequest>(Region), m => Assert.False(string.IsNullOrEmpty(m.DosageInstruction.Single().Text)));
        Assert.All(All<Observation>(Region), o =>
        {
            Assert.Equal("http://loinc.org", o.Code.Coding.Single().System);
            var value = Assert.IsType<Quantity>(o.Value);
            Assert.Equal("http://unitsofmeasure.org", value.System);
            Assert.NotEmpty(o.ReferenceRange);
        });
        Assert.Contains(All<Condition>(Region), c => c.Code!.Coding[0].System == DemoCodes.Icd10);
        Assert.Contains(All<Condition>(Region), c => c.Code!.Coding[0].System == DemoCodes.Icpc2);
    }

    [Theory]
    [InlineData("H")]
    [InlineData("L")]
    [InlineData("N")]
    public void Some_lab_results_are_flagged(string interpretation) =>
        Assert.Contains(All<Observation>(Region), o => o.Interpretation.Single().Coding.Single().Code == interpretation);

    [Theory]
    [InlineData("IMP")]
    [InlineData("AMB")]
    [InlineData("HH")]
    [InlineData("NONAC")]
    public void Encounters_happen_in_hospital_primary_care_and_the_municipality(string encounterClass) =>
        Assert.Contains(All<Encounter>(Region), e => e.Class.Code == encounterClass);

    [Fact]
    public void Every_patients_fodselsnummer_is_a_valid_synthetic_number_matching_birth_date_and_sex()
    {
        var numbers = new List<string>();
        Assert.All(All<Patient>(Region), patient =>
        {
            var identifier = patient.Identifier.Single();
            Assert.Equal(NorwegianSystems.Fodselsnummer, identifier.System);
            var check = NorwegianIdentity.Check(identifier.Value);
            Assert.True(check.IsValid, check.Error);
            Assert.Equal(NorwegianIdentityKind.SyntheticFnr, check.Kind);
            Assert.Equal(Day(patient.BirthDate), check.BirthDate);
            Assert.Equal(patient.Gender, check.Sex);
            numbers.Add(identifier.Value!);
        });
        Assert.Equal(30, numbers.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Patients_span_children_adults_and_the_very_old()
    {
        var ages = All<Patient>(Region).Select(p => Age(Day(p.BirthDate))).ToHashSet();

        Assert.Superset(new HashSet<int> { 5, 11, 12, 15, 16, 17 }, ages);
        Assert.Contains(ages, age => age >= 90);
        Assert.Contains(All<Patient>(Region), p => p.Name[0].Family!.Contains('ø') || p.Name[0].Family!.Contains('Ø'));
        Assert.Contains(All<Patient>(Region), p => p.Name[0].Family!.Contains('å') || p.Name[0].Family!.Contains('Å'));
        Assert.Contains(All<Patient>(Region), p => p.Name[0].Family!.Contains('æ'));
    }

    [Fact]
    public void Every_patient_lives_in_Fjordvik_and_has_a_gp()
    {
        var urls = Region.Entry.ToDictionary(e => e.FullUrl!, e => e.Resource);
        Assert.All(All<Patient>(Region), p =>
        {
            Assert.Equal("Fjordvik", p.Address.Single().City);
            Assert.Contains(p.GeneralPractitioner, r => urls[r.Reference!] is Practitioner);
            Assert.Contains(p.GeneralPractitioner, r => urls[r.Reference!] is Organization);
        });
    }

    [Fact]
    public void Organisations_have_valid_organisation_numbers_and_are_created_only_if_missing()
    {
        Assert.All(Region.Entry.Where(e => e.Resource is Organization), entry =>
        {
            var identifier = ((Organization)entry.Resource!).Identifier.Single();
            Assert.Equal(NorwegianSystems.Organisasjonsnummer, identifier.System);
            Assert.True(OrganisationNumber.IsValid(identifier.Value), identifier.Value);
            Assert.Equal($"identifier={NorwegianSystems.Organisasjonsnummer}|{identifier.Value}", entry.Request!.IfNoneExist);
        });
    }

    [Fact]
    public void Staff_have_hpr_numbers_and_a_coded_role_at_their_organisation()
    {
        Assert.All(All<Practitioner>(Region), p =>
        {
            var hpr = p.Identifier.Single();
            Assert.Equal(NorwegianSystems.HprNummer, hpr.System);
            Assert.Matches("^[0-9]{7,8}$", hpr.Value);
        });
        Assert.All(All<PractitionerRole>(Region), r =>
        {
            Assert.NotNull(r.Practitioner);
            Assert.NotNull(r.Organization);
            Assert.NotEmpty(r.Code.Single().Coding);
        });
    }

    [Fact]
    public void Every_reference_is_a_urn_uuid_that_resolves_inside_the_bundle()
    {
        var fullUrls = Region.Entry.Select(e => e.FullUrl).ToHashSet(StringComparer.Ordinal);
        var references = Region.Entry.SelectMany(e => References(e.Resource!)).ToList();

        Assert.NotEmpty(references);
        Assert.All(references, r =>
        {
            Assert.StartsWith("urn:uuid:", r.Reference, StringComparison.Ordinal);
            Assert.Contains(r.Reference, fullUrls);
        });
    }

    [Fact]
    public void No_clinical_date_lies_after_the_reference_date_or_before_the_patients_birth()
    {
        var births = Region.Entry.Where(e => e.Resource is Patient)
            .ToDictionary(e => e.FullUrl!, e => Day(((Patient)e.Resource!).BirthDate));

        Assert.All(All<Condition>(Region), c =>
        {
            var onset = Day(((FhirDateTime)c.Onset!).Value);
            Assert.InRange(onset, births[c.Subject!.Reference!], Today);
            Assert.InRange(Day(c.RecordedDate), onset, Today);
        });
        Assert.All(All<Encounter>(Region), e =>
        {
            Assert.InRange(Day(e.Period!.Start), births[e.Subject!.Reference!], Today);
            Assert.True(e.Period.End is null || Day(e.Period.End) <= Today);
        });
        Assert.All(All<Observation>(Region), o => Assert.InRange(Day(((FhirDateTime)o.Effective!).Value), births[o.Subject!.Reference!], Today));
    }

    [Theory]
    [InlineData("2026-11-29")]
    [InlineData("2028-02-29")]
    public void Every_resource_survives_a_strict_json_round_trip(string today)
    {
        var bundle = DemoRegion.BuildTransaction(DateOnly.Parse(today));
        var deserializer = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

        Assert.All(bundle.Entry, entry =>
        {
            var json = entry.Resource!.ToJson();
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            var ok = deserializer.TryDeserializeResource(ref reader, out var parsed, out var issues);

            Assert.True(ok, $"{entry.FullUrl}: {string.Join("; ", issues.Select(i => i.Message))}");
            Assert.True(entry.Resource.IsExactly(parsed), entry.FullUrl);
        });
    }

    [Fact]
    public void The_strict_round_trip_catches_a_resource_missing_a_required_element()
    {
        var deserializer = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(new Observation { Code = new CodeableConcept { Text = "Hb" } }.ToJson()));

        Assert.False(deserializer.TryDeserializeResource(ref reader, out _, out var issues));
        Assert.NotEmpty(issues);
    }

    [Fact]
    public void Building_from_a_time_provider_uses_its_local_date()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 23, 30, 0, TimeSpan.Zero));

        Assert.Equal(DemoRegion.BuildTransaction(Today).ToJson(), DemoRegion.BuildTransaction(time).ToJson());
    }

    [Fact]
    public void Building_twice_for_the_same_date_gives_the_same_bundle() =>
        Assert.Equal(DemoRegion.BuildTransaction(Today).ToJson(), DemoRegion.BuildTransaction(Today).ToJson());

    private static DateOnly Day(string? date) => DateOnly.Parse(date!, System.Globalization.CultureInfo.InvariantCulture);

    private static int Age(DateOnly birthDate)
    {
        var age = Today.Year - birthDate.Year;
        return birthDate.AddYears(age) > Today ? age - 1 : age;
    }

    private static IEnumerable<ResourceReference> References(Base node)
    {
        foreach (var (_, value) in node.EnumerateElements())
        {
            var children = value switch
            {
                Base single => [single],
                IEnumerable<Base> many => many,
                _ => [],
            };
            foreach (var child in children)
            {
                if (child is ResourceReference reference)
                {
                    yield return reference;
                }

                foreach (var nested in References(child))
                {
                    yield return nested;
                }
            }
        }
    }
}
