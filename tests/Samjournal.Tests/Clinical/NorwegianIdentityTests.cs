using Hl7.Fhir.Model;
using Samjournal.Clinical.Identifiers;

namespace Samjournal.Tests.Clinical;

public class NorwegianIdentityTests
{
    [Theory]
    [InlineData("15063751259", NorwegianIdentityKind.Fnr, "2037-06-15", AdministrativeGender.Female)]
    [InlineData("29023660030", NorwegianIdentityKind.Fnr, "2036-02-29", AdministrativeGender.Female)]
    [InlineData("01013999984", NorwegianIdentityKind.Fnr, "2039-01-01", AdministrativeGender.Male)]
    [InlineData("31123850117", NorwegianIdentityKind.Fnr, "2038-12-31", AdministrativeGender.Male)]
    [InlineData("13083750124", NorwegianIdentityKind.Fnr, "2037-08-13", AdministrativeGender.Male)]
    [InlineData("01019091194", NorwegianIdentityKind.Fnr, "1990-01-01", AdministrativeGender.Male)]
    [InlineData("15057591290", NorwegianIdentityKind.Fnr, "1975-05-15", AdministrativeGender.Female)]
    [InlineData("55103751240", NorwegianIdentityKind.Dnr, "2037-10-15", AdministrativeGender.Female)]
    [InlineData("71123650683", NorwegianIdentityKind.Dnr, "2036-12-31", AdministrativeGender.Female)]
    [InlineData("15818812482", NorwegianIdentityKind.SyntheticFnr, "1988-01-15", AdministrativeGender.Female)]
    [InlineData("01810598774", NorwegianIdentityKind.SyntheticFnr, "2005-01-01", AdministrativeGender.Male)]
    [InlineData("29920060135", NorwegianIdentityKind.SyntheticFnr, "2000-12-29", AdministrativeGender.Male)]
    [InlineData("29900050192", NorwegianIdentityKind.SyntheticFnr, "2000-10-29", AdministrativeGender.Male)]
    [InlineData("45818812314", NorwegianIdentityKind.SyntheticDnr, "1988-01-05", AdministrativeGender.Male)]
    [InlineData("01452014366", NorwegianIdentityKind.HNumber, "1920-05-01", AdministrativeGender.Male)]
    public void A_well_formed_number_is_valid_with_its_kind_birth_date_and_sex(
        string number, NorwegianIdentityKind kind, string birthDate, AdministrativeGender sex)
    {
        var check = NorwegianIdentity.Check(number);

        Assert.True(check.IsValid, check.Error);
        Assert.Equal(kind, check.Kind);
        Assert.Equal(DateOnly.Parse(birthDate), check.BirthDate);
        Assert.Equal(sex, check.Sex);
        Assert.False(check.UsesCheckDigitRuleFrom2032);
    }

    [Theory]
    [InlineData("15818812482")]
    [InlineData("01810598774")]
    [InlineData("45818812314")]
    public void A_synthetic_number_with_month_plus_80_is_valid(string number)
    {
        var check = NorwegianIdentity.Check(number);

        Assert.True(check.IsValid, check.Error);
        Assert.True(check.IsSynthetic);
    }

    [Theory]
    [InlineData("15063751259", NorwegianSystems.Fodselsnummer)]
    [InlineData("15818812482", NorwegianSystems.Fodselsnummer)]
    [InlineData("55103751240", NorwegianSystems.DNummer)]
    [InlineData("45818812314", NorwegianSystems.DNummer)]
    [InlineData("01452014366", NorwegianSystems.HNummer)]
    public void A_valid_number_names_its_identifier_system(string number, string system) =>
        Assert.Equal(system, NorwegianIdentity.Check(number).System);

    [Theory]
    [InlineData("15063751259", false)]
    [InlineData("55103751240", false)]
    [InlineData("01452014366", false)]
    public void Real_register_and_help_numbers_are_not_synthetic(string number, bool synthetic) =>
        Assert.Equal(synthetic, NorwegianIdentity.Check(number).IsSynthetic);

    [Theory]
    [InlineData("10015450342", "1854-01-10")] // 500-749 with year 54-99: 1800s
    [InlineData("31817560086", "1875-01-31")] // synthetic, 500-749 with year 75
    [InlineData("01452014366", "1920-05-01")] // 000-499: 1900s
    [InlineData("15057591290", "1975-05-15")] // 900-999 with year 40-99: 1900s
    [InlineData("01810598774", "2005-01-01")] // 500-999 with year 00-39: 2000s
    [InlineData("15063751259", "2037-06-15")] // 500-749 with year 00-39: 2000s
    public void The_individual_number_and_year_give_the_century(string number, string birthDate) =>
        Assert.Equal(DateOnly.Parse(birthDate), NorwegianIdentity.Check(number).BirthDate);

    [Theory]
    [InlineData("01017580023")] // 800 with year 75: not issued
    [InlineData("01014560013")] // 600 with year 45: not issued
    public void An_individual_number_outside_the_series_for_the_year_is_invalid(string number)
    {
        var check = NorwegianIdentity.Check(number);

        Assert.False(check.IsValid);
        Assert.StartsWith("Individual number", check.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "Fødselsnummer is missing.")]
    [InlineData("", "Fødselsnummer is missing.")]
    [InlineData("   ", "Fødselsnummer is missing.")]
    [InlineData("1506375125", "Fødselsnummer must be 11 digits; this has 10.")]
    [InlineData("150637512590", "Fødselsnummer must be 11 digits; this has 12.")]
    [InlineData("1", "Fødselsnummer must be 11 digits; this has 1.")]
    [InlineData("1506375125a", "Fødselsnummer may only contain digits.")]
    [InlineData("15.06.37512", "Fødselsnummer may only contain digits.")]
    [InlineData("150637-51259", "Fødselsnummer may only contain digits.")]
    [InlineData("１５０６３７５１２５９", "Fødselsnummer may only contain digits.")]
    public void Malformed_input_is_rejected_in_user_terms(string? input, string error) =>
        Assert.Equal(error, NorwegianIdentity.Check(input).Error);

    [Fact]
    public void Spaces_between_the_parts_are_ignored()
    {
        var check = NorwegianIdentity.Check(" 150637 51259 ");

        Assert.True(check.IsValid, check.Error);
        Assert.Equal("15063751259", check.Value);
    }

    [Theory]
    [InlineData("30023660098")] // 30 February
    [InlineData("29023760051")] // 29 February in a common year
    [InlineData("01133750092")] // month 13
    [InlineData("00013750025")] // day 0
    [InlineData("15400110104")] // month 40 is neither real, H (+40) nor synthetic (+80)
    [InlineData("71283650590")] // D-nummer with month 28
    public void A_birth_date_that_does_not_exist_is_invalid(string number)
    {
        var check = NorwegianIdentity.Check(number);

        Assert.False(check.IsValid);
        Assert.Equal($"The birth date part {number[..6]} is not a real date.", check.Error);
    }

    [Theory]
    [InlineData("29023660081")] // first remainder 5
    [InlineData("29023660073")] // first remainder 4
    [InlineData("01810598707")] // first remainder 4
    public void A_wrong_first_check_digit_is_reported(string number) =>
        Assert.Equal("Check digit 1 is wrong; look for a mistyped or swapped digit.", NorwegianIdentity.Check(number).Error);

    [Theory]
    [InlineData("15063751258")]
    [InlineData("01810598770")]
    [InlineData("55103751241")]
    public void A_wrong_second_check_digit_is_reported(string number) =>
        Assert.Equal("Check digit 2 is wrong; look for a mistyped or swapped digit.", NorwegianIdentity.Check(number).Error);

    [Theory]
    [InlineData("15063751267", 1)]
    [InlineData("15063751275", 2)]
    [InlineData("15063751283", 3)]
    [InlineData("29023660049", 1)]
    [InlineData("05063877850", 1)]
    [InlineData("05063877869", 2)]
    [InlineData("05063877877", 3)]
    [InlineData("15818812318", 2)]
    public void A_number_with_the_2032_first_check_remainder_of_1_to_3_is_valid_and_gender_neutral(string number, int remainder)
    {
        var check = NorwegianIdentity.Check(number);

        Assert.True(check.IsValid, $"remainder {remainder}: {check.Error}");
        Assert.True(check.UsesCheckDigitRuleFrom2032);
        Assert.Null(check.Sex);
        Assert.NotNull(check.BirthDate);
    }

    [Theory]
    [InlineData("150637512")]
    [InlineData("290236600")]
    [InlineData("050638778")]
    [InlineData("158188123")]
    [InlineData("130837501")]
    [InlineData("551037512")]
    public void Only_first_check_remainders_0_to_3_are_accepted(string nineDigits)
    {
        for (var remainder = 0; remainder <= 10; remainder++)
        {
            var number = TestPersonNumbers.Build(nineDigits, remainder);
            if (number is null)
            {
                continue; // check digit would be 10 for this remainder
            }

            var check = NorwegianIdentity.Check(number);
            Assert.True(check.IsValid == remainder <= 3, $"{number} with first remainder {remainder}: {check.Error}");
            if (remainder >= 4)
            {
                Assert.StartsWith("Check digit 1", check.Error, StringComparison.Ordinal);
            }
        }
    }
}
