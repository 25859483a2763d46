using Samjournal.Fhir.Indexing;

namespace Samjournal.Tests.Indexing;

public class StringNormalizerTests
{
    [Theory]
    [InlineData("Ødegård", "odegard")]
    [InlineData("ødegård", "odegard")]
    [InlineData("Ødegard", "odegard")]
    [InlineData("ODEGARD", "odegard")]
    [InlineData("Bjørnstad", "bjornstad")]
    [InlineData("Åse", "ase")]
    [InlineData("Æsøy", "aesoy")]
    [InlineData("Müller", "muller")]
    [InlineData("José", "jose")]
    [InlineData("Ørjan Kvalsvik-Ødegaard", "orjan kvalsvik-odegaard")]
    [InlineData("Łukasz Straße", "lukasz strasse")]
    [InlineData("plain lower", "plain lower")]
    [InlineData("", "")]
    public void Normalize_folds_case_accents_and_norwegian_letters(string input, string expected) =>
        Assert.Equal(expected, StringNormalizer.Normalize(input));

    [Fact]
    public void Spellings_of_Odegard_share_one_key()
    {
        var keys = new[] { "Ødegård", "ødegård", "Ødegard", "ODEGARD" }.Select(StringNormalizer.Normalize).Distinct();
        Assert.Single(keys);
    }

    [Fact]
    public void Already_decomposed_text_loses_its_combining_marks()
    {
        // "A" + COMBINING RING ABOVE, as some keyboards and Mac file systems produce.
        Assert.Equal("ase", StringNormalizer.Normalize("A\u030Ase"));
    }
}
