using Hl7.Fhir.Model;
using Samjournal.Clinical.Medications.Dosing;

namespace Samjournal.Tests.Medications;

/// <summary>Reading FHIR Dosage written by other systems: what is unambiguous is read, the rest is
/// refused with the element named rather than guessed.</summary>
public sealed class DosageFhirTests
{
    private static Dosage Dosage(Timing.RepeatComponent repeat, decimal mg = 15) => new()
    {
        Timing = new Timing { Repeat = repeat },
        DoseAndRate = [new Dosage.DoseAndRateComponent { Dose = new Quantity { Value = mg, System = DoseUnits.Ucum, Code = "mg" } }],
    };

    [Fact]
    public void Once_a_day_restricted_to_Mondays_is_read_as_weekly_never_daily()
    {
        var regimen = DosageFhir.FromFhir([Dosage(new Timing.RepeatComponent { Frequency = 1, Period = 1, PeriodUnit = Timing.UnitsOfTime.D, DayOfWeek = [DaysOfWeek.Mon] })]);

        var weekly = Assert.IsType<Weekly>(Assert.Single(regimen.Steps).Schedule);
        Assert.Equal([DayOfWeek.Monday], weekly.Days);
        Assert.Equal(DoseAmount.Mg(15), DoseArithmetic.PeakPerWeek(weekly));
    }

    [Fact]
    public void Clock_times_without_a_frequency_are_read_as_daily_fixed_times()
    {
        var repeat = new Timing.RepeatComponent { TimeOfDay = ["08:00:00", "20:00:00"] };
        var fixedTimes = Assert.IsType<FixedTimes>(Assert.Single(DosageFhir.FromFhir([Dosage(repeat, 500)]).Steps).Schedule);
        Assert.Equal([new TimeOnly(8, 0), new TimeOnly(20, 0)], fixedTimes.Doses.Select(d => d.Time));
        Assert.Equal(DoseAmount.Mg(1000), DoseArithmetic.PeakPerDay(fixedTimes));
    }

    [Fact]
    public void Shapes_that_cannot_be_read_safely_are_refused_with_the_element_named()
    {
        var twicePerWeekWithoutDays = Dosage(new Timing.RepeatComponent { Frequency = 2, Period = 1, PeriodUnit = Timing.UnitsOfTime.Wk });
        Assert.Contains("timing.repeat", Assert.Throws<DosageFormatException>(() => DosageFhir.FromFhir([twicePerWeekWithoutDays])).Path, StringComparison.Ordinal);

        var range = new Dosage
        {
            Timing = new Timing { Repeat = new Timing.RepeatComponent { Frequency = 1, Period = 1, PeriodUnit = Timing.UnitsOfTime.D } },
            DoseAndRate = [new Dosage.DoseAndRateComponent { Dose = new Hl7.Fhir.Model.Range { Low = new Quantity(1, "mg"), High = new Quantity(2, "mg") } }],
        };
        Assert.Contains("doseAndRate", Assert.Throws<DosageFormatException>(() => DosageFhir.FromFhir([range])).Path, StringComparison.Ordinal);

        var unknownUnit = Dosage(new Timing.RepeatComponent { Frequency = 1, Period = 1, PeriodUnit = Timing.UnitsOfTime.D });
        unknownUnit.DoseAndRate[0].Dose = new Quantity { Value = 1, System = DoseUnits.Ucum, Code = "spoon" };
        Assert.Contains("spoon", Assert.Throws<DosageFormatException>(() => DosageFhir.FromFhir([unknownUnit])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Free_text_dosages_read_as_their_own_text()
    {
        Assert.Equal("1 tablett om kvelden", DosageText.Norwegian([new Dosage { Text = "1 tablett om kvelden" }]));
        var structured = DosageFhir.ToFhir(new DosageRegimen(new Weekly([DayOfWeek.Monday], DoseAmount.Tablets(6))));
        Assert.Equal("6 tabletter én gang i uken på mandag", DosageText.Norwegian(structured));
    }
}
