using Pipeline.Domain.Monetary;

namespace Pipeline.Domain.Tests.Monetary;

public sealed class CurrencyTests
{
    [Theory]
    [InlineData("EUR", 2, 978)]
    [InlineData("USD", 2, 840)]
    [InlineData("JPY", 0, 392)]
    [InlineData("KRW", 0, 410)]
    [InlineData("ISK", 0, 352)]
    [InlineData("KWD", 3, 414)]
    [InlineData("BHD", 3, 48)]
    [InlineData("TND", 3, 788)]
    [InlineData("CLF", 4, 990)]
    [InlineData("UYW", 4, 927)]
    [InlineData("XOF", 0, 952)]
    [InlineData("CHF", 2, 756)]
    public void Known_currencies_have_their_exponent_and_numeric_code(string code, int exponent, int numeric)
    {
        var currency = Currency.Parse(code);

        Assert.Equal(code, currency.Code);
        Assert.Equal(exponent, currency.Exponent);
        Assert.Equal(numeric, currency.NumericCode);
        Assert.Equal(code, currency.ToString());
    }

    [Theory]
    [InlineData("eur")]
    [InlineData("EURO")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("XAU")]
    [InlineData("XXX")]
    [InlineData("HRK")]
    [InlineData("BGN")]
    [InlineData("ZZZ")]
    public void Unknown_withdrawn_and_unitless_codes_are_refused(string? code)
    {
        Assert.False(Currency.TryParse(code, out var currency));
        Assert.False(currency.IsKnown);
    }

    [Fact]
    public void The_table_is_complete_and_consistent()
    {
        Assert.True(Currency.All.Count >= 160, $"Only {Currency.All.Count} currencies.");
        Assert.Equal(Currency.All.Count, Currency.All.Select(c => c.NumericCode).Distinct().Count());
        Assert.Equal(Currency.All.Count, Currency.All.Distinct().Count());
        Assert.All(Currency.All, c => Assert.Matches("^[A-Z]{3}$", c.Code));
        Assert.All(Currency.All, c => Assert.InRange(c.Exponent, 0, 4));
        Assert.All(Currency.All, c => Assert.False(string.IsNullOrWhiteSpace(c.Name)));
        Assert.Equal(Currency.All.OrderBy(c => c.Code, StringComparer.Ordinal), Currency.All);
    }

    [Fact]
    public void Default_is_no_currency()
    {
        Currency none = default;

        Assert.False(none.IsKnown);
        Assert.Equal("", none.Code);
        Assert.Throws<InvalidOperationException>(() => none.Exponent);
        Assert.Throws<FormatException>(() => Currency.Parse("ABC"));
    }
}
