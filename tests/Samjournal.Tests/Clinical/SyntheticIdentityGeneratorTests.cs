using Hl7.Fhir.Model;
using Samjournal.Clinical.Identifiers;

namespace Samjournal.Tests.Clinical;

public class SyntheticIdentityGeneratorTests
{
    public static TheoryData<string, AdministrativeGender> People => new()
    {
        { "1854-01-01", AdministrativeGender.Male },
        { "1899-12-31", AdministrativeGender.Female },
        { "1900-01-01", AdministrativeGender.Female },
        { "1938-07-14", AdministrativeGender.Male },
        { "1964-02-29", AdministrativeGender.Female },
        { "1999-12-31", AdministrativeGender.Male },
        { "2000-01-01", AdministrativeGender.Male },
        { "2012-02-29", AdministrativeGender.Female },
        { "2020-06-15", AdministrativeGender.Unknown },
        { "2039-12-31", AdministrativeGender.Female },
    };

    [Theory]
    [MemberData(nameof(People))]
    public void A_generated_fodselsnummer_is_valid_synthetic_and_matches_the_person(string birthDate, AdministrativeGender sex)
    {
        var date = DateOnly.Parse(birthDate);
        var generator = new SyntheticIdentityGenerator(seed: 42);

        for (var i = 0; i < 20; i++)
        {
            var check = NorwegianIdentity.Check(generator.NextFodselsnummer(date, sex));

            Assert.True(check.IsValid, check.Error);
            Assert.Equal(NorwegianIdentityKind.SyntheticFnr, check.Kind);
            Assert.Equal(date, check.BirthDate);
            Assert.False(check.UsesCheckDigitRuleFrom2032);
            if (sex != AdministrativeGender.Unknown)
            {
                Assert.Equal(sex, check.Sex);
            }
        }
    }

    [Theory]
    [MemberData(nameof(People))]
    public void A_generated_d_nummer_is_valid_and_synthetic(string birthDate, AdministrativeGender sex)
    {
        var check = NorwegianIdentity.Check(new SyntheticIdentityGenerator(7).NextDNummer(DateOnly.Parse(birthDate), sex));

        Assert.True(check.IsValid, check.Error);
        Assert.Equal(NorwegianIdentityKind.SyntheticDnr, check.Kind);
        Assert.True(check.IsSynthetic);
    }

    [Fact]
    public void The_same_seed_gives_the_same_numbers()
    {
        static List<string> Make(int seed)
        {
            var generator = new SyntheticIdentityGenerator(seed);
            return [.. Enumerable.Range(0, 50).Select(i =>
                generator.NextFodselsnummer(new DateOnly(1940, 1, 1).AddDays(i * 401), AdministrativeGender.Female))];
        }

        Assert.Equal(Make(2026), Make(2026));
        Assert.NotEqual(Make(2026), Make(2027));
    }

    [Fact]
    public void One_generator_never_repeats_a_number()
    {
        var generator = new SyntheticIdentityGenerator(1);
        var date = new DateOnly(1980, 5, 17);

        var numbers = Enumerable.Range(0, 150).Select(_ => generator.NextFodselsnummer(date, AdministrativeGender.Male)).ToList();

        Assert.Equal(numbers.Count, numbers.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("1853-12-31")]
    [InlineData("2040-01-01")]
    public void Birth_years_the_number_series_cannot_express_are_refused(string birthDate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SyntheticIdentityGenerator(1).NextFodselsnummer(DateOnly.Parse(birthDate), AdministrativeGender.Male));
}
