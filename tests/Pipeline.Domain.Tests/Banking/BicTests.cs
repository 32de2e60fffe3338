using Pipeline.Domain.Banking;

namespace Pipeline.Domain.Tests.Banking;

public sealed class BicTests
{
    [Theory]
    [InlineData("DEUTDEFF", "DEUTDEFF")]
    [InlineData("DEUTDEFF500", "DEUTDEFF500")]
    [InlineData("deutdeff", "DEUTDEFF")]
    [InlineData(" NWBK GB 2L ", "NWBKGB2L")]
    [InlineData("ABNANL2AXXX", "ABNANL2AXXX")]
    [InlineData("GEBABEBB36A", "GEBABEBB36A")]
    [InlineData("BNPAFRPP", "BNPAFRPP")]
    [InlineData("COBADEF1", "COBADEF1")] // a location code with a digit
    public void Bics_of_eight_or_eleven_characters_are_accepted_in_upper_case(string input, string expected)
    {
        Assert.True(Bic.TryNormalize(input, out var bic));
        Assert.Equal(expected, bic);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("DEUTDEF")] // seven
    [InlineData("DEUTDEFF5")] // nine
    [InlineData("DEUTDEFF50")] // ten
    [InlineData("DEUTDEFF5000")] // twelve
    [InlineData("DEU1DEFF")] // a digit in the institution code
    [InlineData("DEUTD3FF")] // a digit in the country code
    [InlineData("DEUT-DEFF")]
    [InlineData("DEUTDEFF_500")]
    [InlineData("DÉUTDEFF")]
    public void Anything_else_is_refused(string? input)
    {
        Assert.False(Bic.TryNormalize(input, out var bic));
        Assert.Equal("", bic);
    }
}
