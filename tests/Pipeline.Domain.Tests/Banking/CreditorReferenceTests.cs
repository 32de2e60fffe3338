using Pipeline.Domain.Banking;

namespace Pipeline.Domain.Tests.Banking;

public sealed class CreditorReferenceTests
{
    /// <summary>ISO 11649's own example and references from published implementations' documentation.</summary>
    public static TheoryData<string, string> Published => new()
    {
        { "539007547034", "RF18539007547034" },
        { "2348231", "RF712348231" },
        { "1234512345", "RF451234512345" },
        { "AB2G5", "RF68AB2G5" },
        { "TU06FX", "RF96TU06FX" },
        { "0HYA6", "RF720HYA6" },
        { "X2HU4TC28XTYLHASYWT91", "RF14X2HU4TC28XTYLHASYWT91" },
    };

    [Theory]
    [MemberData(nameof(Published))]
    public void Published_references_get_their_published_check_digits(string reference, string expected)
    {
        Assert.Equal(expected, CreditorReference.Create(reference));
        Assert.True(CreditorReference.TryNormalize(expected, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("RF18 5390 0754 7034", "RF18539007547034")]
    [InlineData("rf18 5390 0754 7034", "RF18539007547034")]
    [InlineData("rf68ab2g5", "RF68AB2G5")]
    public void Spaces_and_lower_case_are_accepted(string input, string expected)
    {
        Assert.True(CreditorReference.TryNormalize(input, out var reference));
        Assert.Equal(expected, reference);
    }

    [Fact]
    public void Creating_accepts_spaces_and_lower_case() =>
        Assert.Equal("RF68AB2G5", CreditorReference.Create(" ab2 g5 "));

    [Theory]
    [MemberData(nameof(Published))]
    public void Every_same_kind_slip_and_every_neighbour_swap_is_refused(string reference, string expected)
    {
        Assert.NotEmpty(reference);
        foreach (var mutated in Mutations.SameKindSubstitutions(expected).Concat(Mutations.NeighbourSwaps(expected)))
        {
            Assert.False(CreditorReference.TryNormalize(mutated, out _), mutated);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("RF18")]
    [InlineData("RF")]
    [InlineData("RX18539007547034")]
    [InlineData("18539007547034")]
    [InlineData("RF1853900754703-")]
    [InlineData("RFAB539007547034")]
    [InlineData("RF19GAX8WS5JYOOUJ87")]
    [InlineData("RF14X2HU4TC28XTYLHASYWT91X")] // 22 characters after the check digits
    public void Malformed_references_and_wrong_check_digits_are_refused(string? input)
    {
        Assert.False(CreditorReference.TryNormalize(input, out var reference));
        Assert.Equal("", reference);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ABC-123")]
    [InlineData("1234567890123456789012")]
    [InlineData("RÉF1")]
    public void Creating_refuses_a_reference_that_is_empty_too_long_or_not_alphanumeric(string reference) =>
        Assert.Throws<ArgumentException>(() => CreditorReference.Create(reference));
}
