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
            .With(new PricedFrom("EUR", new FeeRule(100, 0), 1_000), 1_000)
            .With(new PricedFrom("EUR", new FeeRule(200, 0), 2_000), 2_000)
            .With(new PricedFrom("USD", new FeeRule(300, 0), 0), 2_000);

        Assert.Equal(0, schedule.FeeOf("EUR", 10_000, 999)); // before any EUR price
        Assert.Equal(100, schedule.FeeOf("EUR", 10_000, 1_000));
        Assert.Equal(100, schedule.FeeOf("EUR", 10_000, 1_999));
        Assert.Equal(200, schedule.FeeOf("EUR", 10_000, 2_000));
        Assert.Equal(300, schedule.FeeOf("USD", 10_000, 1));
        Assert.Equal(0, schedule.FeeOf("GBP", 10_000, 5_000)); // no price in that currency: no fee
    }

    [Fact]
    public void A_price_saved_again_keeps_the_time_it_took_effect()
    {
        var schedule = PricingSchedule.None.With(new PricedFrom("EUR", new FeeRule(290, 30), 1_000), 1_000);
        var again = schedule.With(new PricedFrom("EUR", new FeeRule(290, 30), 5_000), 5_000);
        Assert.Same(schedule, again);
        Assert.Equal(320, again.FeeOf("EUR", 10_000, 2_000));
    }

    [Fact]
    public void Prices_superseded_long_ago_are_dropped_and_recent_ones_kept()
    {
        const long Day = 86_400_000_000;
        var schedule = PricingSchedule.None;
        for (var day = 0; day < 200; day++)
        {
            schedule = schedule.With(new PricedFrom("EUR", new FeeRule(day, 0), day * Day), day * Day);
        }

        schedule = schedule.With(new PricedFrom("USD", new FeeRule(7, 0), 0), 199 * Day);
        // Each EUR price was superseded a day after it took effect: those superseded within the last 90 days stay, and with
        // them the one in force 90 days ago.
        Assert.Equal(Enumerable.Range(108, 92).Select(d => (long)d * Day), schedule.Entries.Where(e => e.Currency == "EUR").Select(e => e.EffectiveFromMicros).Order());
        Assert.Equal(new FeeRule(199, 0), schedule.RuleAt("EUR", long.MaxValue));
        Assert.Equal(new FeeRule(7, 0), schedule.RuleAt("USD", 0));
    }
}
