using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Search;

/// <summary>
/// Composite parameters (search.html#composite) and <c>:of-type</c> on identifiers: values that
/// must be found together in one element. Every expected result is computed from the test's own data.
/// </summary>
public abstract class CompositeSearchBehaviour(SamjournalHost host) : RestTestBase(host)
{
    private const string Loinc = "http://loinc.org";
    private const string Ucum = "http://unitsofmeasure.org";
    private const string Systolic = "8480-6";
    private const string Diastolic = "8462-4";
    private const string IdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";

    private async Task<List<string>> IdsAsync(string query)
    {
        var bundle = await (await Client.GetAsync(query)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        return [.. bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id).Order()];
    }

    private async Task<T> PostAsync<T>(T resource)
        where T : Resource =>
        await (await Client.PostAsync(resource.TypeName, FhirClientExtensions.Json(resource))).ExpectAsync<T>(HttpStatusCode.Created);

    /// <summary>A blood pressure: one component per (code, value), in mm[Hg].</summary>
    private async Task<(string Id, (string Code, decimal Value)[] Components)> BloodPressureAsync(string patientId, params (string Code, decimal Value)[] components)
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(Loinc, "85354-9"),
            Subject = new ResourceReference($"Patient/{patientId}"),
            Component = [.. components.Select(c => new Observation.ComponentComponent
            {
                Code = new CodeableConcept(Loinc, c.Code),
                Value = new Quantity { Value = c.Value, System = Ucum, Code = "mm[Hg]", Unit = "mmHg" },
            })],
        };
        return ((await PostAsync(observation)).Id!, components);
    }

    private static string Escaped(string value) => Uri.EscapeDataString(value);

    [Fact]
    public async Task A_component_code_is_never_paired_with_the_value_of_another_component()
    {
        var patient = await CreateAsync(NewPatient());
        // High systolic; and low systolic with a diastolic above 100: the trap for a search that
        // matches code and value anywhere in the resource.
        var made = new[]
        {
            await BloodPressureAsync(patient.Id, (Systolic, 140m), (Diastolic, 85m)),
            await BloodPressureAsync(patient.Id, (Systolic, 95m), (Diastolic, 105m)),
            await BloodPressureAsync(patient.Id, (Systolic, 100m), (Diastolic, 60m)),
        };
        var scope = $"Observation?subject=Patient/{patient.Id}";
        IEnumerable<string> Expected(Func<(string Code, decimal Value), bool> component) =>
            made.Where(m => m.Components.Any(component)).Select(m => m.Id).Order();

        Assert.Equal(
            Expected(c => c.Code == Systolic && c.Value > 100m),
            await IdsAsync($"{scope}&component-code-value-quantity={Escaped($"{Loinc}|{Systolic}$gt100")}"));
        Assert.Equal(
            Expected(c => c.Code == Diastolic && c.Value > 100m),
            await IdsAsync($"{scope}&component-code-value-quantity={Escaped($"{Loinc}|{Diastolic}$gt100")}"));
        Assert.Equal(
            Expected(c => c.Code == Systolic && c.Value <= 100m),
            await IdsAsync($"{scope}&component-code-value-quantity={Escaped($"{Systolic}$le100|{Ucum}|mm[Hg]")}"));
        // Comma: either tuple.
        Assert.Equal(
            Expected(c => (c.Code == Systolic && c.Value >= 140m) || (c.Code == Diastolic && c.Value > 100m)),
            await IdsAsync($"{scope}&component-code-value-quantity={Escaped($"{Systolic}$ge140,{Diastolic}$gt100")}"));
        // The wrong unit matches nothing.
        Assert.Empty(await IdsAsync($"{scope}&component-code-value-quantity={Escaped($"{Systolic}$gt100|{Ucum}|kPa")}"));
    }

    [Fact]
    public async Task A_quantity_inside_a_composite_is_compared_with_the_precision_of_the_search_value()
    {
        var patient = await CreateAsync(NewPatient());
        var values = new[] { 119.4m, 119.5m, 120m, 120.04m, 120.4m, 120.5m };
        var made = new List<(string Id, decimal Value)>();
        foreach (var value in values)
        {
            made.Add(((await BloodPressureAsync(patient.Id, (Systolic, value), (Diastolic, 80m))).Id, value));
        }

        var scope = $"Observation?subject=Patient/{patient.Id}&component-code-value-quantity=";
        // 120 stands for [119.5, 120.5); 120.0 for [119.95, 120.05).
        Assert.Equal(
            made.Where(m => m.Value >= 119.5m && m.Value < 120.5m).Select(m => m.Id).Order(),
            await IdsAsync(scope + Escaped($"{Loinc}|{Systolic}$120")));
        Assert.Equal(
            made.Where(m => m.Value >= 119.95m && m.Value < 120.05m).Select(m => m.Id).Order(),
            await IdsAsync(scope + Escaped($"{Loinc}|{Systolic}$120.0||mm[Hg]")));
        Assert.Equal(
            made.Where(m => m.Value < 119.5m || m.Value >= 120.5m).Select(m => m.Id).Order(),
            await IdsAsync(scope + Escaped($"{Loinc}|{Systolic}$ne120")));
        // The diastolic component is 80 in every one: its code with the systolic values finds none.
        Assert.Empty(await IdsAsync(scope + Escaped($"{Loinc}|{Diastolic}$120")));
    }

    [Fact]
    public async Task Code_and_value_composites_pair_the_observation_code_with_its_own_value()
    {
        var patient = await CreateAsync(NewPatient());
        var subject = new ResourceReference($"Patient/{patient.Id}");
        var smoker = await PostAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(Loinc, "72166-2"),
            Subject = subject,
            Value = new CodeableConcept("http://snomed.info/sct", "77176002"),
        });
        var note = await PostAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(Loinc, "8691-8"),
            Subject = subject,
            Value = new FhirString("Reiste til Spania"),
        });
        var onset = await PostAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(Loinc, "11368-8"),
            Subject = subject,
            // 23:30 on 31 May in Oslo (summer time) is still May there, though it is 21:30 UTC.
            Value = new FhirDateTime("2024-05-31T23:30:00+02:00"),
        });
        var scope = $"Observation?subject=Patient/{patient.Id}";

        Assert.Equal([smoker.Id], await IdsAsync($"{scope}&code-value-concept={Escaped($"{Loinc}|72166-2$http://snomed.info/sct|77176002")}"));
        Assert.Empty(await IdsAsync($"{scope}&code-value-concept={Escaped($"{Loinc}|8691-8$http://snomed.info/sct|77176002")}"));
        Assert.Equal([note.Id], await IdsAsync($"{scope}&code-value-string={Escaped("8691-8$reiste til")}"));
        Assert.Empty(await IdsAsync($"{scope}&code-value-string={Escaped("72166-2$reiste til")}"));
        Assert.Equal([onset.Id], await IdsAsync($"{scope}&code-value-date={Escaped("11368-8$2024-05")}"));
        Assert.Equal([onset.Id], await IdsAsync($"{scope}&code-value-date={Escaped("11368-8$ge2024-05-31")}"));
        Assert.Empty(await IdsAsync($"{scope}&code-value-date={Escaped("11368-8$2024-06")}"));
        Assert.Empty(await IdsAsync($"{scope}&code-value-date={Escaped("8691-8$2024-05")}"));
    }

    [Fact]
    public async Task Combo_composites_look_at_the_observation_and_each_component_and_missing_finds_the_rest()
    {
        var patient = await CreateAsync(NewPatient());
        var pressure = await BloodPressureAsync(patient.Id, (Systolic, 150m), (Diastolic, 95m));
        var single = await PostAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(Loinc, Systolic),
            Subject = new ResourceReference($"Patient/{patient.Id}"),
            Value = new Quantity { Value = 155m, System = Ucum, Code = "mm[Hg]" },
        });
        var scope = $"Observation?subject=Patient/{patient.Id}";

        Assert.Equal(new[] { pressure.Id, single.Id }.Order(), await IdsAsync($"{scope}&combo-code-value-quantity={Escaped($"{Systolic}$gt140")}"));
        Assert.Equal([single.Id], await IdsAsync($"{scope}&combo-code-value-quantity={Escaped($"{Systolic}$gt152")}"));
        Assert.Equal([pressure.Id], await IdsAsync($"{scope}&component-code-value-quantity={Escaped($"{Systolic}$gt140")}"));
        Assert.Equal([single.Id], await IdsAsync($"{scope}&code-value-quantity={Escaped($"{Systolic}$gt140")}"));
        Assert.Equal([single.Id], await IdsAsync($"{scope}&component-code-value-quantity:missing=true"));
        Assert.Equal([pressure.Id], await IdsAsync($"{scope}&component-code-value-quantity:missing=false"));
    }

    [Fact]
    public async Task A_reference_component_matches_the_target_with_its_relation()
    {
        var patient = await CreateAsync(NewPatient());
        var subject = new ResourceReference($"Patient/{patient.Id}");
        DocumentReference Document() => new() { Status = DocumentReferenceStatus.Current, Subject = subject, Content = [new() { Attachment = new Attachment { ContentType = "text/plain" } }] };
        var original = await PostAsync(Document());
        var appendix = await PostAsync(Document());
        var replacement = Document();
        replacement.RelatesTo =
        [
            new() { Code = DocumentRelationshipType.Replaces, Target = new ResourceReference($"DocumentReference/{original.Id}") },
            new() { Code = DocumentRelationshipType.Appends, Target = new ResourceReference($"DocumentReference/{appendix.Id}") },
        ];
        var stored = await PostAsync(replacement);
        var scope = $"DocumentReference?subject=Patient/{patient.Id}";

        Assert.Equal([stored.Id], await IdsAsync($"{scope}&relationship={Escaped($"DocumentReference/{original.Id}$replaces")}"));
        Assert.Equal([stored.Id], await IdsAsync($"{scope}&relationship={Escaped($"DocumentReference/{appendix.Id}$appends")}"));
        Assert.Empty(await IdsAsync($"{scope}&relationship={Escaped($"DocumentReference/{original.Id}$appends")}"));
    }

    [Fact]
    public async Task Three_component_coordinates_match_within_one_variant()
    {
        var patient = await CreateAsync(NewPatient());
        const string Chromosomes = "http://terminology.hl7.org/CodeSystem/chromosome-human";
        var variants = new[] { (Start: 100, End: 110), (Start: 500, End: 510) };
        var sequence = await PostAsync(new MolecularSequence
        {
            CoordinateSystem = 0,
            Patient = new ResourceReference($"Patient/{patient.Id}"),
            ReferenceSeq = new MolecularSequence.ReferenceSeqComponent { Chromosome = new CodeableConcept(Chromosomes, "1"), WindowStart = 1, WindowEnd = 1000 },
            Variant = [.. variants.Select(v => new MolecularSequence.VariantComponent { Start = v.Start, End = v.End })],
        });
        var scope = $"MolecularSequence?patient=Patient/{patient.Id}&chromosome-variant-coordinate=";
        IEnumerable<string> Expected(Func<(int Start, int End), bool> variant) => variants.Any(variant) ? [sequence.Id] : [];

        Assert.Equal(Expected(v => v.Start >= 400 && v.End <= 520), await IdsAsync(scope + Escaped($"{Chromosomes}|1$ge400$le520")));
        // Start 500 of one variant with end 110 of the other would match; no single variant does.
        Assert.Equal(Expected(v => v.Start >= 400 && v.End <= 200), await IdsAsync(scope + Escaped("1$ge400$le200")));
        // The other chromosome.
        Assert.Empty(await IdsAsync(scope + Escaped("2$ge400$le520")));
    }

    [Fact]
    public async Task Malformed_composite_values_are_refused_with_what_is_wrong()
    {
        var tooFew = await (await Client.GetAsync($"Observation?component-code-value-quantity={Escaped(Systolic)}")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        Assert.Contains(tooFew.Issue, i => i.Diagnostics.Contains("component-code$component-value-quantity", StringComparison.Ordinal));
        await (await Client.GetAsync($"Observation?component-code-value-quantity={Escaped($"{Systolic}$high")}")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await (await Client.GetAsync($"Observation?component-code-value-quantity={Escaped($"{Systolic}$")}")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await (await Client.GetAsync($"Observation?code-value-date={Escaped("11368-8$31.05.2024")}")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        var strict = new HttpRequestMessage(HttpMethod.Get, $"Observation?component-code-value-quantity:exact={Escaped($"{Systolic}$100")}");
        strict.Headers.Add("Prefer", "handling=strict");
        await (await Client.SendAsync(strict)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_CapabilityStatement_lists_the_composite_parameters()
    {
        var statement = await (await Client.GetAsync("metadata")).ExpectAsync<CapabilityStatement>(HttpStatusCode.OK);
        var observation = statement.Rest[0].Resource.Single(r => r.Type == ResourceType.Observation.ToString());

        var composites = observation.SearchParam.Where(p => p.Type == SearchParamType.Composite).Select(p => p.Name).ToList();
        Assert.Contains("component-code-value-quantity", composites);
        Assert.Contains("code-value-date", composites);
        Assert.Contains("combo-code-value-concept", composites);
        Assert.Equal(composites.Count, composites.Distinct().Count());
    }

    [Fact]
    public async Task Of_type_matches_the_identifier_type_coding_and_value_together()
    {
        var marker = Unique()[..8];
        var value = "MR" + Unique()[..10];
        Patient WithIdentifier(string? typeCode, string identifierValue, params Coding[] extraTypes)
        {
            var patient = NewPatient($"Type{marker}");
            var type = new CodeableConcept { Coding = [.. extraTypes] };
            if (typeCode is not null)
            {
                type.Coding.Insert(0, new Coding(IdentifierType, typeCode));
            }

            patient.Identifier.Add(new Identifier("urn:samjournal:test:mrn", identifierValue) { Type = type });
            return patient;
        }

        var medicalRecord = await CreateAsync(WithIdentifier("MR", value));
        var twoCodings = await CreateAsync(WithIdentifier("MR", value + "b", new Coding("urn:samjournal:local-types", "journalnr")));
        var otherType = await CreateAsync(WithIdentifier("PI", value));
        var untyped = await CreateAsync(WithIdentifier(null, value));
        var scope = $"Patient?family=Type{marker}";

        Assert.Equal([medicalRecord.Id], await IdsAsync($"{scope}&identifier:of-type={Escaped($"{IdentifierType}|MR|{value}")}"));
        Assert.Equal([otherType.Id], await IdsAsync($"{scope}&identifier:of-type={Escaped($"{IdentifierType}|PI|{value}")}"));
        Assert.Equal([twoCodings.Id], await IdsAsync($"{scope}&identifier:of-type={Escaped($"urn:samjournal:local-types|journalnr|{value}b")}"));
        Assert.Equal([twoCodings.Id], await IdsAsync($"{scope}&identifier:of-type={Escaped($"{IdentifierType}|MR|{value}b")}"));
        Assert.Empty(await IdsAsync($"{scope}&identifier:of-type={Escaped($"{IdentifierType}|MR|{value}c")}"));
        // The plain token search still finds each once, whatever the type.
        Assert.Equal(
            new[] { medicalRecord.Id, otherType.Id, untyped.Id }.Order(),
            await IdsAsync($"{scope}&identifier={Escaped($"urn:samjournal:test:mrn|{value}")}"));

        await (await Client.GetAsync($"Patient?identifier:of-type={Escaped($"MR|{value}")}")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        await (await Client.GetAsync($"Patient?identifier:of-type={Escaped($"{IdentifierType}||{value}")}")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
        var notIdentifier = new HttpRequestMessage(HttpMethod.Get, $"Patient?gender:of-type={Escaped($"{IdentifierType}|MR|female")}");
        notIdentifier.Headers.Add("Prefer", "handling=strict");
        await (await Client.SendAsync(notIdentifier)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class CompositeSearchOnSqlite(SqliteHost host) : CompositeSearchBehaviour(host), IClassFixture<SqliteHost>;

public sealed class CompositeSearchOnPostgres(PostgresHost host) : CompositeSearchBehaviour(host), IClassFixture<PostgresHost>;
