using Samjournal.Clinical.Medications;
using Samjournal.Clinical.Medications.Catalogue;

namespace Samjournal.Tests.Medications;

/// <summary>The demo catalogue loads whole, holds together, and carries the facts the checks rely on.</summary>
public sealed class MedicationCatalogueTests
{
    private static readonly MedicationCatalogue Catalogue = new(new DemoFestCatalogueLoader().Load());

    [Fact]
    public void The_demo_catalogue_has_common_Norwegian_medications_with_valid_ATC_codes_and_interactions()
    {
        var substances = Catalogue.Products.Select(p => p.Atc.Kode).Distinct().ToList();
        Assert.InRange(substances.Count, 60, 120);
        Assert.All(substances, atc => Assert.Equal(5, AtcCode.Level(atc)));
        Assert.InRange(Catalogue.Interactions.Count, 20, 40);
        Assert.Contains("IKKE EN KLINISK KILDE", Catalogue.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Methotrexate_and_alendronate_have_weekly_maximum_doses_and_paracetamol_a_daily_one()
    {
        Assert.Equal((30m, "mg", DosePeriode.Uke), Max("L04AX03"));
        Assert.Equal((70m, "mg", DosePeriode.Uke), Max("M05BA04"));
        Assert.Equal((4000m, "mg", DosePeriode.Dogn), Max("N02BE01"));
        Assert.Null(Catalogue.MaximumDoseOf("B01AA03"));
    }

    [Theory]
    [InlineData("B01AA03", "M01AE01", Alvorlighetsgrad.BorUnngas)]
    [InlineData("M01AE02", "B01AA03", Alvorlighetsgrad.BorUnngas)]
    [InlineData("C10AA01", "J01FA09", Alvorlighetsgrad.BorUnngas)]
    [InlineData("N06AB06", "N02AX02", Alvorlighetsgrad.Forsiktighet)]
    [InlineData("C09AA05", "C03DA01", Alvorlighetsgrad.Forsiktighet)]
    [InlineData("L04AX03", "J01EA01", Alvorlighetsgrad.BorUnngas)]
    public void Known_interaction_pairs_are_found_in_either_order(string atc, string other, Alvorlighetsgrad severity)
    {
        Assert.Equal(severity, Assert.Single(Catalogue.InteractionsBetween(atc, other)).Alvorlighetsgrad);
        Assert.Equal(severity, Assert.Single(Catalogue.InteractionsBetween(other, atc)).Alvorlighetsgrad);
    }

    [Fact]
    public void Substances_without_a_known_interaction_have_none() =>
        Assert.Empty(Catalogue.InteractionsBetween("N02BE01", "C08CA01"));

    [Fact]
    public void An_extract_that_does_not_hold_together_is_refused()
    {
        var extract = new DemoFestCatalogueLoader().Load();
        var broken = extract with { MaksimaleDoser = [.. extract.MaksimaleDoser, new MaksimalDose("X99XX99", new Styrke(1, "mg"), DosePeriode.Dogn, "")] };
        Assert.Contains("X99XX99", Assert.Throws<InvalidOperationException>(() => new MedicationCatalogue(broken)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("N02BE01", 5)]
    [InlineData("N02BE", 4)]
    [InlineData("N02B", 3)]
    [InlineData("N02", 2)]
    [InlineData("N", 1)]
    [InlineData("n02be01", 0)]
    [InlineData("N02BE1", 0)]
    [InlineData("", 0)]
    public void ATC_levels_follow_the_code_structure(string code, int level) => Assert.Equal(level, AtcCode.Level(code));

    private static (decimal, string, DosePeriode) Max(string atc)
    {
        var max = Catalogue.MaximumDoseOf(atc)!;
        return (max.Mengde.Verdi, max.Mengde.Enhet, max.Periode);
    }
}
