using Hl7.Fhir.Model;
using Samjournal.Fhir.Indexing;

namespace Samjournal.Tests.Indexing;

public class IndexExtractorTests
{
    private const string Loinc = "http://loinc.org";
    private const string Ucum = "http://unitsofmeasure.org";

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void Observation_gives_exactly_its_code_subject_date_and_quantity_entries()
    {
        var observation = new Observation
        {
            Id = "o1",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept { Coding = [new Coding(Loinc, "15074-8", "Glucose [Moles/volume] in Blood")] },
            Subject = new ResourceReference("Patient/p1"),
            Effective = new FhirDateTime("2020-03"),
            Value = new Quantity(5.4m, "mmol/L", Ucum) { Unit = "mmol/L" },
        };

        var entries = IndexExtractor.Extract(observation);

        Assert.Empty(entries.Errors);
        AssertSet(
            [
                new TokenEntry("_id", null, "o1", null),
                new TokenEntry("code", Loinc, "15074-8", "Glucose [Moles/volume] in Blood"),
                new TokenEntry("combo-code", Loinc, "15074-8", "Glucose [Moles/volume] in Blood"),
                new TokenEntry("status", null, "final", null),
            ],
            entries.Tokens);
        AssertSet(
            [
                new ReferenceEntry("patient", "Patient", "p1", null),
                new ReferenceEntry("subject", "Patient", "p1", null),
            ],
            entries.References);
        // March 2020 in Oslo: from midnight CET on the 1st to midnight CEST on 1 April.
        Assert.Equal(new DateEntry("date", Utc(2020, 2, 29, 23), Utc(2020, 3, 31, 22)), Assert.Single(entries.Dates));
        AssertSet(
            [
                new QuantityEntry("combo-value-quantity", Ucum, "mmol/L", "mmol/L", 5.4m, 5.35m, 5.45m),
                new QuantityEntry("value-quantity", Ucum, "mmol/L", "mmol/L", 5.4m, 5.35m, 5.45m),
            ],
            entries.Quantities);
        Assert.Empty(entries.Strings);
        Assert.Empty(entries.Numbers);
        Assert.Empty(entries.Uris);
    }

    [Fact]
    public void Observation_about_a_group_is_not_indexed_under_patient()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(Loinc, "15074-8"),
            Subject = new ResourceReference("Group/g1"),
        };

        var entries = IndexExtractor.Extract(observation);

        Assert.Equal(new ReferenceEntry("subject", "Group", "g1", null), Assert.Single(entries.References));
    }

    [Fact]
    public void Patient_names_addresses_and_telecom_are_indexed_part_by_part()
    {
        var patient = new Patient
        {
            Id = "p1",
            Meta = new Meta
            {
                LastUpdated = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero),
                Tag = [new Coding("http://samjournal.no/tag", "demo")],
                Profile = ["http://hl7.no/fhir/StructureDefinition/no-basis-Patient"],
                Source = "#import",
            },
            Identifier = [new Identifier("urn:oid:2.16.578.1.12.4.1.4.1", "13116900216") { Type = new CodeableConcept { Text = "FNR" } }],
            Name = [new HumanName { Family = "Ødegård", Given = ["Åse", "Kari"], Prefix = ["Dr."] }],
            Address = [new Address { Line = ["Storgata 1"], City = "Tromsø", PostalCode = "9008", Country = "NO" }],
            Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, "+4799999999")],
            Gender = AdministrativeGender.Female,
            BirthDate = "1969-11-13",
            Active = true,
        };

        var entries = IndexExtractor.Extract(patient);

        Assert.Empty(entries.Errors);
        var family = entries.Strings.Where(s => s.Param == "family").ToList();
        Assert.Equal([new StringEntry("family", "odegard", "Ødegård")], family);
        AssertSet(
            [
                new StringEntry("given", "ase", "Åse"),
                new StringEntry("given", "kari", "Kari"),
            ],
            entries.Strings.Where(s => s.Param == "given"));
        AssertSet(
            [
                new StringEntry("name", "odegard", "Ødegård"),
                new StringEntry("name", "ase", "Åse"),
                new StringEntry("name", "kari", "Kari"),
                new StringEntry("name", "dr.", "Dr."),
            ],
            entries.Strings.Where(s => s.Param == "name"));
        AssertSet(
            [
                new StringEntry("address", "storgata 1", "Storgata 1"),
                new StringEntry("address", "tromso", "Tromsø"),
                new StringEntry("address", "9008", "9008"),
                new StringEntry("address", "no", "NO"),
            ],
            entries.Strings.Where(s => s.Param == "address"));
        Assert.Contains(new StringEntry("address-city", "tromso", "Tromsø"), entries.Strings);
        Assert.Contains(new TokenEntry("identifier", "urn:oid:2.16.578.1.12.4.1.4.1", "13116900216", "FNR"), entries.Tokens);
        Assert.Contains(new TokenEntry("phone", "mobile", "+4799999999", null), entries.Tokens);
        Assert.Contains(new TokenEntry("telecom", "mobile", "+4799999999", null), entries.Tokens);
        Assert.Contains(new TokenEntry("gender", null, "female", null), entries.Tokens);
        Assert.Contains(new TokenEntry("active", null, "true", null), entries.Tokens);
        Assert.Contains(new TokenEntry("_id", null, "p1", null), entries.Tokens);
        Assert.Contains(new TokenEntry("_tag", "http://samjournal.no/tag", "demo", null), entries.Tokens);
        Assert.Contains(new UriEntry("_profile", "http://hl7.no/fhir/StructureDefinition/no-basis-Patient"), entries.Uris);
        Assert.Contains(new UriEntry("_source", "#import"), entries.Uris);
        Assert.Contains(new DateEntry("birthdate", Utc(1969, 11, 12, 23), Utc(1969, 11, 13, 23)), entries.Dates);
        Assert.Contains(new DateEntry("_lastUpdated", Utc(2024, 5, 6, 7, 8, 9), Utc(2024, 5, 6, 7, 8, 10)), entries.Dates);
    }

    [Theory]
    [InlineData("Patient/p1", "Patient", "p1", null)]
    [InlineData("Patient/p1/_history/3", "Patient", "p1", null)]
    [InlineData("https://other.example/fhir/Patient/p1", null, null, "https://other.example/fhir/Patient/p1")]
    [InlineData("urn:uuid:9d3d1c5a-2b7e-4a9f-8f7e-0c1b2a3d4e5f", null, null, "urn:uuid:9d3d1c5a-2b7e-4a9f-8f7e-0c1b2a3d4e5f")]
    public void References_are_split_into_type_and_id_or_kept_as_url(string reference, string? type, string? id, string? url)
    {
        var encounter = new Encounter { Status = Encounter.EncounterStatus.Finished, Subject = new ResourceReference(reference) };

        var entries = IndexExtractor.Extract(encounter);

        Assert.Contains(new ReferenceEntry("subject", type, id, url), entries.References);
        Assert.Empty(entries.Errors);
    }

    [Fact]
    public void Contained_references_are_skipped_and_identifiers_kept()
    {
        var encounter = new Encounter
        {
            Status = Encounter.EncounterStatus.Finished,
            Subject = new ResourceReference("#p"),
            ServiceProvider = new ResourceReference { Identifier = new Identifier("urn:oid:2.16.578.1.12.4.1.4.101", "974589095") },
        };

        var entries = IndexExtractor.Extract(encounter);

        Assert.DoesNotContain(entries.References, r => r.Param is "subject" or "patient");
        Assert.Contains(new ReferenceEntry("service-provider", null, null, null, "urn:oid:2.16.578.1.12.4.1.4.101", "974589095"), entries.References);
    }

    [Fact]
    public void Periods_are_ranges_and_an_open_end_runs_to_the_end_of_time()
    {
        var encounter = new Encounter
        {
            Status = Encounter.EncounterStatus.InProgress,
            Period = new Period { StartElement = new FhirDateTime("2024-01-15T08:30:00+01:00") },
        };

        var entries = IndexExtractor.Extract(encounter);

        Assert.Equal(new DateEntry("date", Utc(2024, 1, 15, 7, 30), DateTimeOffset.MaxValue), Assert.Single(entries.Dates));
    }

    [Fact]
    public void Composite_tuples_pair_the_values_of_one_element_only()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(Loinc, "85354-9"),
            Component =
            [
                new() { Code = new CodeableConcept(Loinc, "8480-6"), Value = new Quantity(120m, "mm[Hg]", Ucum) },
                new() { Code = new CodeableConcept(Loinc, "8462-4"), Value = new Quantity(80m, "mm[Hg]", Ucum) },
                new() { Code = new CodeableConcept(Loinc, "9999-9") },
            ],
        };

        var entries = IndexExtractor.Extract(observation);

        Assert.Empty(entries.Errors);
        var tuples = entries.Composites.Where(c => c.Param == "component-code-value-quantity")
            .Select(c => (c.Components[0].Code, c.Components[1].Value)).Order().ToList();
        Assert.Equal([("8462-4", (decimal?)80m), ("8480-6", 120m)], tuples);
        Assert.DoesNotContain(entries.Composites, c => c.Param == "code-value-quantity");
        Assert.All(entries.Composites, c => Assert.Equal(2, c.Components.Count));
    }

    [Fact]
    public void Identifier_type_codings_are_kept_one_entry_each()
    {
        var patient = new Patient
        {
            Identifier =
            [
                new Identifier("urn:x", "1")
                {
                    Type = new CodeableConcept { Coding = [new Coding("urn:types", "MR"), new Coding("urn:local", "J")], Text = "Journal" },
                },
            ],
        };

        var entries = IndexExtractor.Extract(patient);

        AssertSet(
            [
                new TokenEntry("identifier", "urn:x", "1", "Journal", "urn:types", "MR"),
                new TokenEntry("identifier", "urn:x", "1", "Journal", "urn:local", "J"),
            ],
            entries.Tokens.Where(t => t.Param == "identifier"));
    }

    [Fact]
    public void A_failing_parameter_is_reported_without_losing_the_others()
    {
        var catalog = new SearchParameterCatalog(
        [
            new SearchParamDefinition { Resource = "Observation", Code = "broken", Type = SearchParamType.Token, Expression = "Observation.identifier.single()" },
            new SearchParamDefinition { Resource = "Observation", Code = "code", Type = SearchParamType.Token, Expression = "Observation.code" },
        ]);
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(Loinc, "15074-8"),
            Identifier = [new Identifier("urn:x", "1"), new Identifier("urn:x", "2")],
        };

        var entries = IndexExtractor.Extract(observation, catalog);

        Assert.Equal("broken", Assert.Single(entries.Errors).Param);
        Assert.DoesNotContain(entries.Tokens, t => t.Param == "broken");
        Assert.Contains(new TokenEntry("code", Loinc, "15074-8", null), entries.Tokens);
    }

    private static void AssertSet<T>(IEnumerable<T> expected, IEnumerable<T> actual)
    {
        static List<string> Sorted(IEnumerable<T> items) => [.. items.Select(i => i!.ToString()!).Order(StringComparer.Ordinal)];
        Assert.Equal(Sorted(expected), Sorted(actual));
    }
}
