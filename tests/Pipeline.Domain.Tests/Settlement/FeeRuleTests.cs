using Pipeline.Domain.Settlement;

namespace Pipeline.Domain.Tests.Settlement;

public sealed class FeeRuleTests
{
    [Theory]
    [InlineData(290, 30, 1_000, 59)] // 2.9 % + 0.30 of 10.00
    [InlineData(1, 0, 5_000, 1)] // 0.5 rounds half up
    [InlineData(1, 0, 4_999, 0)] // 0.4999 rounds down
    [InlineData(150, 25, 0, 0)] // nothing captured, nothing charged
    [InlineData(0, 25, 10, 10)] // the fee never exceeds the capture
    [InlineData(10_000, 0, 1_000_000_000_000, 1_000_000_000_000)] // 100 % of the largest amount, without overflow
    public void A_fee_is_the_percentage_rounded_half_up_plus_the_fixed_part_capped_at_the_capture(int bps, long fixedMinor, long captured, long expected) =>
        Assert.Equal(expected, new FeeRule(bps, fixedMinor).FeeOf(captured));

    [Fact]
    public void A_new_price_applies_from_its_time_on_and_never_reprices_what_was_captured_before()
    {
        var schedule = PricingSchedule.None
            .With(new PricedFrom("EUR", new FeeRule(100, 0), 1_000))
            .With(new PricedFrom("EUR", new FeeRule(200, 0), 2_000))
            .With(new PricedFrom("USD", new FeeRule(300, 0), 0));

        Assert.Equal(0, schedule.FeeOf("EUR", 10_000, 999)); // before any EUR price
        Assert.Equal(100, schedule.FeeOf("EUR", 10_000, 1_000));
        Assert.Equal(100, schedule.FeeOf("EUR", 10_000, 1_999));
        Assert.Equal(200, schedule.FeeOf("EUR", 10_000, 2_000));
        Assert.Equal(300, schedule.FeeOf("USD", 10_000, 1));
        Assert.Equal(0, schedule.FeeOf("GBP", 10_000, 5_000)); // no price in that currency: no fee
    }

    [Fact]
    public void A_currency_keeps_its_latest_prices_only()
    {
        var schedule = PricingSchedule.None;
        for (var i = 0; i < PricingSchedule.EntriesPerCurrencyMax + 5; i++)
        {
            schedule = schedule.With(new PricedFrom("EUR", new FeeRule(i, 0), i * 10));
        }

        schedule = schedule.With(new PricedFrom("USD", new FeeRule(7, 0), 0));
        Assert.Equal(PricingSchedule.EntriesPerCurrencyMax, schedule.Entries.Count(e => e.Currency == "EUR"));
        Assert.Equal(new FeeRule(PricingSchedule.EntriesPerCurrencyMax + 4, 0), schedule.RuleAt("EUR", long.MaxValue));
        Assert.Equal(new FeeRule(7, 0), schedule.RuleAt("USD", 0));
    }
}
