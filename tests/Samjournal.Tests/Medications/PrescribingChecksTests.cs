using Samjournal.Clinical.Medications.Catalogue;
using Samjournal.Clinical.Medications.Checks;
using Samjournal.Clinical.Medications.Dosing;

namespace Samjournal.Tests.Medications;

/// <summary>The prescribing checks as pure rules: a prescription against a record and the catalogue.</summary>
public sealed class PrescribingChecksTests
{
    private static readonly MedicationCatalogue Catalogue = new(new DemoFestCatalogueLoader().Load());

    private static readonly MedicationRecord Empty = new([], []);

    private static Prescription Prescribe(string atc, DosageRegimen? dosage = null, string? productId = null, params PrescribingOverride[] overrides) =>
        new(null, "p1", atc, productId is null ? null : Catalogue.Product(productId), dosage, dosage is null ? "no dosageInstruction" : null, overrides);

    private static DosageRegimen Daily(decimal mg) => new(new Interval(1, IntervalUnit.Day, DoseAmount.Mg(mg)));

    private static MedicationRecord Allergic(params string[] atc) => new([new RecordedAllergy("AllergyIntolerance/a1", atc, "allergen")], []);

    private static MedicationRecord Using(params string[] atc) =>
        new([], [.. atc.Select((code, i) => new ActiveMedication($"MedicationRequest/m{i}", code, IsPrescription: true))]);

    private static IReadOnlyList<PrescribingFinding> Run(Prescription prescription, MedicationRecord record) =>
        PrescribingChecks.Run(prescription, record, Catalogue);

    [Theory]
    [InlineData("J01CA04")] // the substance itself
    [InlineData("J01CA")] // its level-4 group
    [InlineData("J01C")] // the penicillins
    [InlineData("J01")] // all antibacterials
    public void An_allergy_to_the_substance_or_a_class_containing_it_stops(string allergen)
    {
        var finding = Assert.Single(Run(Prescribe("J01CA04", Daily(1500)), Allergic(allergen)), f => f.Severity == FindingSeverity.Stop);
        Assert.Equal(FindingCodes.Allergy, finding.Code);
        Assert.Equal("AllergyIntolerance/a1", finding.ConflictsWith);
        Assert.True(finding.Blocks);
    }

    [Fact]
    public void An_allergy_to_another_substance_of_the_same_group_stops_as_a_cross_reaction()
    {
        var finding = Assert.Single(Run(Prescribe("M01AE02", Daily(500)), Allergic("M01AE01")));
        Assert.Equal((FindingCodes.AllergyClass, FindingSeverity.Stop), (finding.Code, finding.Severity));
    }

    [Fact]
    public void An_allergy_to_an_unrelated_class_finds_nothing() =>
        Assert.Empty(Run(Prescribe("N02BE01", Daily(1000)), Allergic("J01C", "M01AE01")));

    [Fact]
    public void The_same_substance_twice_stops_and_the_same_group_warns()
    {
        var same = Assert.Single(Run(Prescribe("C10AA05", Daily(20)), Using("C10AA05")));
        Assert.Equal((FindingCodes.DuplicateSubstance, FindingSeverity.Stop, "MedicationRequest/m0"), (same.Code, same.Severity, same.ConflictsWith));

        var group = Assert.Single(Run(Prescribe("C10AA01", Daily(20)), Using("C10AA05")));
        Assert.Equal((FindingCodes.DuplicateClass, FindingSeverity.Warning), (group.Code, group.Severity));
    }

    [Fact]
    public void A_statement_of_use_is_not_a_duplicate_prescription_but_does_interact()
    {
        var record = new MedicationRecord([], [new ActiveMedication("MedicationStatement/s1", "B01AA03", IsPrescription: false)]);
        Assert.DoesNotContain(Run(Prescribe("B01AA03"), record), f => f.Code == FindingCodes.DuplicateSubstance);
        Assert.Contains(Run(Prescribe("M01AE01", Daily(400)), record), f => f.Code == FindingCodes.Interaction && f.ConflictsWith == "MedicationStatement/s1");
    }

    [Fact]
    public void Methotrexate_15_mg_once_a_week_passes_and_15_mg_daily_stops()
    {
        var weekly = new DosageRegimen(new Weekly([DayOfWeek.Monday], DoseAmount.Mg(15)));
        Assert.Empty(Run(Prescribe("L04AX03", weekly), Empty));

        var daily = Assert.Single(Run(Prescribe("L04AX03", Daily(15)), Empty));
        Assert.Equal((FindingCodes.MaximumDose, FindingSeverity.Stop), (daily.Code, daily.Severity));
        Assert.Contains("105 mg", daily.Norwegian, StringComparison.Ordinal);
    }

    [Fact]
    public void Tablets_count_with_the_product_strength()
    {
        // Paracetamol 1000 mg: 4 tablets daily is 4 g (the maximum), 5 is too much.
        var fourGrams = new DosageRegimen(new TimesPerDay(4, DoseAmount.Tablets(1)));
        Assert.Empty(Run(Prescribe("N02BE01", fourGrams, "SJ-N02BE01-TAB-1000"), Empty));
        var fiveGrams = new DosageRegimen(new FixedTimes([.. new[] { 6, 10, 14, 18, 22 }.Select(h => new TimedDose(new TimeOnly(h, 0), DoseAmount.Tablets(1)))]));
        Assert.Equal(FindingCodes.MaximumDose, Assert.Single(Run(Prescribe("N02BE01", fiveGrams, "SJ-N02BE01-TAB-1000"), Empty)).Code);
    }

    [Fact]
    public void As_needed_counts_its_daily_maximum_and_every_N_hours_its_doses_per_day()
    {
        var prn = new DosageRegimen(new AsNeeded(DoseAmount.Tablets(2), DoseAmount.Tablets(10)));
        Assert.Equal(FindingCodes.MaximumDose, Assert.Single(Run(Prescribe("N02BE01", prn, "SJ-N02BE01-TAB-500"), Empty)).Code);

        var everySixHours = new DosageRegimen(new Interval(6, IntervalUnit.Hour, DoseAmount.Mg(1000)));
        Assert.Empty(Run(Prescribe("N02BE01", everySixHours), Empty));
        var everyFourHours = new DosageRegimen(new Interval(4, IntervalUnit.Hour, DoseAmount.Mg(1000)));
        Assert.Equal(FindingCodes.MaximumDose, Assert.Single(Run(Prescribe("N02BE01", everyFourHours), Empty)).Code);
    }

    [Fact]
    public void Inhalations_count_in_micrograms()
    {
        // Salbutamol 100 micrograms per inhalation: 8 a day is the maximum.
        var eight = new DosageRegimen(new AsNeeded(new DoseAmount(2, DoseUnit.Inhalation), new DoseAmount(8, DoseUnit.Inhalation)));
        Assert.Empty(Run(Prescribe("R03AC02", eight), Empty));
        var twelve = new DosageRegimen(new AsNeeded(new DoseAmount(2, DoseUnit.Inhalation), new DoseAmount(12, DoseUnit.Inhalation)));
        Assert.Equal(FindingCodes.MaximumDose, Assert.Single(Run(Prescribe("R03AC02", twelve), Empty)).Code);
    }

    [Fact]
    public void The_heaviest_step_of_a_tapering_counts()
    {
        // Metoprolol depot: at most 200 mg a day; the first step gives 300.
        var tapering = new DosageRegimen([new DosageStep(new Interval(1, IntervalUnit.Day, DoseAmount.Mg(300)), 3), new DosageStep(new Interval(1, IntervalUnit.Day, DoseAmount.Mg(100)))]);
        Assert.Equal(FindingCodes.MaximumDose, Assert.Single(Run(Prescribe("C07AB02", tapering), Empty)).Code);
        var withinLimit = new DosageRegimen([new DosageStep(new Interval(1, IntervalUnit.Day, DoseAmount.Mg(200)), 3), new DosageStep(new Interval(1, IntervalUnit.Day, DoseAmount.Mg(100)))]);
        Assert.Empty(Run(Prescribe("C07AB02", withinLimit), Empty));
    }

    [Fact]
    public void A_dose_that_cannot_be_counted_warns_that_it_was_not_checked()
    {
        Assert.Equal((FindingCodes.DoseNotChecked, FindingSeverity.Warning), Only(Run(Prescribe("N02BE01"), Empty)));
        var tabletsOfUnknownStrength = new DosageRegimen(new Interval(1, IntervalUnit.Day, DoseAmount.Tablets(2)));
        Assert.Equal((FindingCodes.DoseNotChecked, FindingSeverity.Warning), Only(Run(Prescribe("N02BE01", tabletsOfUnknownStrength), Empty)));
        var prnWithoutMaximum = new DosageRegimen(new AsNeeded(DoseAmount.Mg(500), null));
        Assert.Equal((FindingCodes.DoseNotChecked, FindingSeverity.Warning), Only(Run(Prescribe("N02BE01", prnWithoutMaximum), Empty)));
    }

    [Fact]
    public void Interactions_stop_or_warn_by_severity()
    {
        var warfarinAndIbuprofen = Assert.Single(Run(Prescribe("M01AE01", Daily(400)), Using("B01AA03")));
        Assert.Equal((FindingCodes.Interaction, FindingSeverity.Stop, "MedicationRequest/m0"), (warfarinAndIbuprofen.Code, warfarinAndIbuprofen.Severity, warfarinAndIbuprofen.ConflictsWith));
        Assert.Contains("blødning", warfarinAndIbuprofen.Norwegian, StringComparison.Ordinal);

        var sertralineAndTramadol = Assert.Single(Run(Prescribe("N02AX02", Daily(100)), Using("N06AB06")));
        Assert.Equal((FindingCodes.Interaction, FindingSeverity.Warning), (sertralineAndTramadol.Code, sertralineAndTramadol.Severity));
    }

    [Fact]
    public void An_override_marks_only_the_stops_it_names()
    {
        var record = new MedicationRecord(
            [new RecordedAllergy("AllergyIntolerance/a1", ["M01A"], "NSAID")],
            [new ActiveMedication("MedicationRequest/w", "B01AA03", IsPrescription: true)]);
        var findings = Run(Prescribe("M01AE01", Daily(400), null, new PrescribingOverride(FindingCodes.Allergy, "Tålt ibuprofen tidligere", null)), record);

        var allergy = Assert.Single(findings, f => f.Code == FindingCodes.Allergy);
        Assert.Equal("Tålt ibuprofen tidligere", allergy.OverrideReason);
        Assert.False(allergy.Blocks);
        Assert.True(Assert.Single(findings, f => f.Code == FindingCodes.Interaction).Blocks);
    }

    [Fact]
    public void An_override_limited_to_one_resource_does_not_cover_another()
    {
        var record = Using("C10AA05");
        var elsewhere = new PrescribingOverride(FindingCodes.DuplicateSubstance, "Bytter preparat", "MedicationRequest/other");
        Assert.True(Assert.Single(Run(Prescribe("C10AA05", Daily(20), null, elsewhere), record)).Blocks);
        var here = elsewhere with { ConflictsWith = "MedicationRequest/m0" };
        Assert.False(Assert.Single(Run(Prescribe("C10AA05", Daily(20), null, here), record)).Blocks);
    }

    private static (string, FindingSeverity) Only(IReadOnlyList<PrescribingFinding> findings)
    {
        var finding = Assert.Single(findings);
        return (finding.Code, finding.Severity);
    }
}
