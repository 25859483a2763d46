using CsCheck;
using Hl7.Fhir.Model;
using Samjournal.Clinical.Medications.Dosing;
using Samjournal.Fhir.Serialization;

namespace Samjournal.Tests.Medications;

/// <summary>
/// A structured dosage survives the trip through FHIR and JSON unchanged, for every interval type:
/// model -> FHIR Dosage -> MedicationRequest JSON -> parse -> model. A weekly dose never comes back
/// daily (a national e-prescription bug once did exactly that to methotrexate).
/// </summary>
public sealed class DosageRoundTripProperties
{
    private const long Iterations = 400;

    private static DosageRegimen RoundTrip(DosageRegimen regimen)
    {
        var request = new MedicationRequest
        {
            Status = MedicationRequest.MedicationrequestStatus.Active,
            Intent = MedicationRequest.MedicationRequestIntent.Order,
            Subject = new ResourceReference("Patient/p"),
            Medication = new CodeableConcept("http://www.whocc.no/atc", "L04AX03"),
            DosageInstruction = DosageFhir.ToFhir(regimen),
        };
        var json = FhirFormat.ToJsonBytes(request);
        var parsed = (MedicationRequest)FhirFormat.Parse(json, FhirMediaType.Json);
        return DosageFhir.FromFhir(parsed.DosageInstruction);
    }

    private static string Describe(DosageRegimen regimen) => DosageText.Norwegian(regimen);

    [Theory]
    [InlineData("fixed times")]
    [InlineData("times per day")]
    [InlineData("every N hours")]
    [InlineData("every N days")]
    [InlineData("every N weeks")]
    [InlineData("weekly on weekdays")]
    [InlineData("as needed")]
    public void Every_interval_type_survives_FHIR_and_JSON_unchanged(string kind)
    {
        var schedules = kind switch
        {
            "fixed times" => DosageGenerators.FixedTimes,
            "times per day" => DosageGenerators.TimesPerDay,
            "every N hours" => DosageGenerators.EveryNHours,
            "every N days" => DosageGenerators.EveryNDays,
            "every N weeks" => DosageGenerators.EveryNWeeks,
            "weekly on weekdays" => DosageGenerators.Weekly,
            _ => DosageGenerators.AsNeeded,
        };
        Gen.Select(schedules, Gen.Nullable(Gen.Int[1, 60], 0.5), (s, days) => new DosageRegimen(s, days))
            .Sample(regimen => Assert.Equal(regimen, RoundTrip(regimen)), iter: Iterations, print: Describe);
    }

    [Fact]
    public void Tapering_and_mixed_regimens_survive_FHIR_and_JSON_unchanged() =>
        DosageGenerators.Regimen.Sample(regimen => Assert.Equal(regimen, RoundTrip(regimen)), iter: Iterations, print: Describe);

    [Fact]
    public void A_weekly_dose_never_comes_back_daily_and_keeps_its_weekly_total() =>
        Gen.Select(DosageGenerators.Weekly, Gen.Nullable(Gen.Int[7, 84], 0.5), (s, days) => new DosageRegimen(s, days)).Sample(regimen =>
        {
            var original = (Weekly)regimen.Steps[0].Schedule;
            var back = Assert.IsType<Weekly>(RoundTrip(regimen).Steps[0].Schedule);
            Assert.Equal(original.Days, back.Days);
            Assert.Equal(DoseArithmetic.PeakPerWeek(original), DoseArithmetic.PeakPerWeek(back));
            Assert.Equal(original.Dose.Times(original.Days.Count), DoseArithmetic.PeakPerWeek(back));
            Assert.All(DosageFhir.ToFhir(regimen), d => Assert.Equal(Timing.UnitsOfTime.Wk, d.Timing.Repeat.PeriodUnit));
        }, iter: Iterations, print: Describe);

    [Fact]
    public void The_text_in_FHIR_is_the_Norwegian_text_of_its_step() =>
        DosageGenerators.Regimen.Sample(regimen =>
        {
            foreach (var dosage in DosageFhir.ToFhir(regimen))
            {
                Assert.Equal(DosageText.Norwegian(regimen.Steps[dosage.Sequence!.Value - 1]), dosage.Text);
            }
        }, iter: Iterations, print: Describe);
}
