using Samjournal.Clinical.Identifiers;

namespace Samjournal.Tests.Clinical;

public class OrganisationNumberTests
{
    [Theory]
    [InlineData("12345678", "123456785")]
    [InlineData("31000000", "310000000")]
    [InlineData("31000001", "310000019")]
    public void The_check_digit_is_mod_11_with_weights_3_2_7_6_5_4_3_2(string eight, string nine)
    {
        Assert.Equal(nine, OrganisationNumber.WithCheckDigit(eight));
        Assert.True(OrganisationNumber.IsValid(nine));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("123456784")]
    [InlineData("12345678")]
    [InlineData("1234567850")]
    [InlineData("12345678a")]
    public void Numbers_with_a_wrong_length_digit_or_check_digit_are_invalid(string? value) =>
        Assert.False(OrganisationNumber.IsValid(value));
}
