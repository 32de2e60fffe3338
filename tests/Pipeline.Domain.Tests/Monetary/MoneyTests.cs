using Pipeline.Domain.Monetary;

namespace Pipeline.Domain.Tests.Monetary;

public sealed class MoneyTests
{
    private static readonly Currency Eur = Currency.EUR;

    [Fact]
    public void Arithmetic_stays_in_minor_units()
    {
        var sum = new Money(1_050, Eur) + new Money(-75, Eur);

        Assert.Equal(new Money(975, Eur), sum);
        Assert.Equal(new Money(-975, Eur), -sum);
        Assert.Equal(new Money(900, Eur), sum.Subtract(new Money(75, Eur)));
        Assert.True(new Money(1, Eur) > Money.Zero(Eur));
        Assert.True(Money.Zero(Eur).IsZero);
        Assert.True(new Money(-1, Eur).IsNegative);
    }

    [Fact]
    public void Overflow_is_an_error_never_a_wrap()
    {
        var max = new Money(long.MaxValue, Eur);

        Assert.Throws<OverflowException>(() => max + new Money(1, Eur));
        Assert.Throws<OverflowException>(() => new Money(long.MinValue, Eur) - new Money(1, Eur));
        Assert.Throws<OverflowException>(() => -new Money(long.MinValue, Eur));
    }

    [Fact]
    public void Currencies_never_mix()
    {
        var eur = new Money(1, Eur);
        var usd = new Money(1, Currency.USD);

        Assert.Throws<CurrencyMismatchException>(() => eur + usd);
        Assert.Throws<CurrencyMismatchException>(() => eur - usd);
        Assert.Throws<CurrencyMismatchException>(() => eur < usd);
        Assert.NotEqual(eur, usd);
    }

    [Theory]
    [InlineData("12.34", "EUR", 1234)]
    [InlineData("12.3", "EUR", 1230)]
    [InlineData("12", "EUR", 1200)]
    [InlineData("-0.05", "EUR", -5)]
    [InlineData("0", "EUR", 0)]
    [InlineData("1500", "JPY", 1500)]
    [InlineData("1.234", "KWD", 1234)]
    [InlineData("0.0001", "CLF", 1)]
    [InlineData("92233720368547758.07", "EUR", long.MaxValue)]
    public void Parses_major_units_exactly(string text, string currency, long minor)
    {
        Assert.True(Money.TryParseMajor(text, Currency.Parse(currency), out var money));
        Assert.Equal(new Money(minor, Currency.Parse(currency)), money);
    }

    [Theory]
    [InlineData("12.345", "EUR")]
    [InlineData("1.5", "JPY")]
    [InlineData("1e3", "EUR")]
    [InlineData("1,000.00", "EUR")]
    [InlineData(" 1", "EUR")]
    [InlineData("+1", "EUR")]
    [InlineData("1.", "EUR")]
    [InlineData(".5", "EUR")]
    [InlineData("-", "EUR")]
    [InlineData("", "EUR")]
    [InlineData("92233720368547758.08", "EUR")]
    [InlineData("１２", "EUR")]
    public void Refuses_anything_that_needs_rounding_or_guessing(string text, string currency)
    {
        Assert.False(Money.TryParseMajor(text, Currency.Parse(currency), out _));
    }

    [Fact]
    public void Refuses_to_parse_without_a_currency() => Assert.False(Money.TryParseMajor("1", default, out _));

    [Theory]
    [InlineData(1234, "EUR", "12.34 EUR")]
    [InlineData(-5, "EUR", "-0.05 EUR")]
    [InlineData(0, "KWD", "0.000 KWD")]
    [InlineData(1500, "JPY", "1500 JPY")]
    [InlineData(long.MinValue, "EUR", "-92233720368547758.08 EUR")]
    public void Formats_with_the_currency_exponent(long minor, string currency, string expected)
    {
        Assert.Equal(expected, new Money(minor, Currency.Parse(currency)).ToString());
    }

    [Fact]
    public void Formatting_and_parsing_round_trip_for_every_currency()
    {
        foreach (var currency in Currency.All)
        {
            foreach (var minor in new[] { 0L, 1L, -1L, 99L, 123_456_789L, long.MaxValue, long.MinValue + 1 })
            {
                var money = new Money(minor, currency);
                Assert.True(Money.TryParseMajor(money.ToMajorString(), currency, out var parsed), money.ToString());
                Assert.Equal(money, parsed);
            }
        }
    }
}
