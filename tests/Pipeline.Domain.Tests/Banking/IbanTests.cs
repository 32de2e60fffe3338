using Pipeline.Domain.Banking;

namespace Pipeline.Domain.Tests.Banking;

public sealed class IbanTests
{
    /// <summary>The examples ISO 13616 and the IBAN registry publish, in their display format.</summary>
    public static TheoryData<string> Published =>
    [
        "DE89 3704 0044 0532 0130 00",
        "GB82 WEST 1234 5698 7654 32",
        "FR14 2004 1010 0505 0001 3M02 606",
        "NL91 ABNA 0417 1643 00",
        "BE68 5390 0754 7034",
    ];

    [Theory]
    [MemberData(nameof(Published))]
    public void Published_examples_are_accepted_and_normalized_to_the_electronic_format(string display)
    {
        Assert.True(Iban.TryNormalize(display, out var iban));
        Assert.Equal(display.Replace(" ", "", StringComparison.Ordinal), iban);
        Assert.Equal(display, Iban.Format(iban));
    }

    [Theory]
    [InlineData("de89 3704 0044 0532 0130 00")]
    [InlineData("  DE89370400440532013000 ")]
    [InlineData("DE89\u00A03704\t0044 0532 0130 00")]
    public void Lower_case_and_any_whitespace_are_accepted(string input)
    {
        Assert.True(Iban.TryNormalize(input, out var iban));
        Assert.Equal("DE89370400440532013000", iban);
    }

    [Theory]
    [MemberData(nameof(Published))]
    public void Every_single_character_slip_within_digits_or_within_letters_is_refused(string display)
    {
        var iban = display.Replace(" ", "", StringComparison.Ordinal);
        foreach (var mutated in Mutations.SameKindSubstitutions(iban))
        {
            Assert.False(Iban.TryNormalize(mutated, out _), mutated);
        }
    }

    [Theory]
    [MemberData(nameof(Published))]
    public void Every_swap_of_neighbouring_characters_is_refused(string display)
    {
        var iban = display.Replace(" ", "", StringComparison.Ordinal);
        foreach (var swapped in Mutations.NeighbourSwaps(iban))
        {
            Assert.False(Iban.TryNormalize(swapped, out _), swapped);
        }
    }

    [Theory]
    [InlineData("DE01370400440532013032")] // DE98… is valid: 01 passes the remainder test but is never issued
    [InlineData("DE00370400440532013050")] // DE97… is valid
    [InlineData("DE99370400440532013014")] // DE02… is valid
    public void Check_digits_outside_02_to_98_are_refused_even_when_the_remainder_is_1(string iban)
    {
        Assert.False(Iban.TryNormalize(iban, out _));
        Assert.True(Iban.TryNormalize(Iban.WithCheckDigits("DE", iban[4..]), out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("DE89")]
    [InlineData("DE89 3704 0044 0532 0130 000")] // one character too many for Germany
    [InlineData("DE89 3704 0044 0532 0130 0")] // one too few
    [InlineData("DE89-3704-0044-0532-0130-00")]
    [InlineData("DE89 3704 0044 0532 0130 0Ö")]
    [InlineData("XX89 3704 0044 0532 0130 00")] // not a registry country
    [InlineData("US64 SVBK US6S 3300 9673 8637")] // the United States issue no IBANs
    [InlineData("D189 3704 0044 0532 0130 00")]
    [InlineData("DEAB 3704 0044 0532 0130 00")]
    [InlineData("DE89 3704 0044 0532 0130 00 DE89 3704 0044 0532 0130 00")]
    public void Malformed_and_unknown_inputs_are_refused(string? input)
    {
        Assert.False(Iban.TryNormalize(input, out var iban));
        Assert.Equal("", iban);
    }

    [Theory]
    [InlineData("DE", "370400440532013000", "DE89370400440532013000")]
    [InlineData("GB", "WEST12345698765432", "GB82WEST12345698765432")]
    [InlineData("fr", "2004 1010 0505 0001 3m02 606", "FR1420041010050500013M02606")]
    [InlineData("NL", "ABNA0417164300", "NL91ABNA0417164300")]
    [InlineData("BE", "539007547034", "BE68539007547034")]
    public void Check_digits_are_computed_as_published(string country, string bban, string expected) =>
        Assert.Equal(expected, Iban.WithCheckDigits(country, bban));

    [Fact]
    public void Every_registry_country_round_trips_through_its_check_digits()
    {
        foreach (var (country, length) in IbanRegistryLengths())
        {
            var bban = string.Concat(Enumerable.Range(0, length - 4).Select(i => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(i * 7) % 36]));
            var iban = Iban.WithCheckDigits(country, bban);

            Assert.True(Iban.TryNormalize(iban, out var normalized), iban);
            Assert.Equal(iban, normalized);
        }
    }

    [Theory]
    [InlineData("XX", "370400440532013000")]
    [InlineData("D", "370400440532013000")]
    [InlineData("DEU", "370400440532013000")]
    [InlineData("", "370400440532013000")]
    [InlineData("DE", "37040044053201300")]
    [InlineData("DE", "3704004405320130000")]
    [InlineData("DE", "37040044053201300-")]
    [InlineData("DE", "")]
    public void Check_digits_refuse_an_unknown_country_or_a_bban_of_the_wrong_shape(string country, string bban) =>
        Assert.Throws<ArgumentException>(() => Iban.WithCheckDigits(country, bban));

    [Fact]
    public void Formatting_refuses_what_is_not_an_iban() =>
        Assert.Throws<ArgumentException>(() => Iban.Format("DE88370400440532013000"));

    [Fact]
    public void The_registry_holds_every_sepa_country()
    {
        string[] sepa =
        [
            "AD", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GI", "GR", "HR", "HU",
            "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK", "SM", "VA",
            "AL", "MD", "ME", "MK", "RS",
        ];
        Assert.All(sepa, country => Assert.Contains(country, IbanRegistryLengths().Select(entry => entry.Country)));
    }

    private static IEnumerable<(string Country, int Length)> IbanRegistryLengths() =>
        IbanRegistry.LengthByCountry.Select(entry => (entry.Key, entry.Value));
}
