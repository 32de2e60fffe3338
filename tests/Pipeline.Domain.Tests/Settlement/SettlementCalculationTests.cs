using CsCheck;
using Pipeline.Domain.Settlement;
using Pipeline.Domain.Tests.Properties;

namespace Pipeline.Domain.Tests.Settlement;

/// <summary>Settlements of random days: captures and refunds at random times under a price that changes, reserve and carried amounts.</summary>
public sealed class SettlementCalculationTests
{
    private const ulong Seed = 20_261_202;
    private const int Samples = 500;

    private static readonly Gen<SettlementItem> Items = Gen.Select(Gen.Bool, Gen.Long[0, 5_000_000], Gen.Long[0, 86_400_000_000], Gen.Int[0, 1_000_000], (refund, amount, at, n) =>
        refund
            ? new SettlementItem(SettlementItemKind.Refund, $"pay_{n % 50}", $"refund_{n}", "EUR", amount, at)
            : new SettlementItem(SettlementItemKind.Payment, $"pay_{n}", $"pay_{n}", "EUR", amount, at));

    private static readonly Gen<PricingSchedule> Pricing = Gen.Select(Gen.Int[0, 1_000], Gen.Long[0, 500], Gen.Int[0, 1_000], Gen.Long[0, 500], (bps1, fixed1, bps2, fixed2) =>
        PricingSchedule.None
            .With(new PricedFrom("EUR", new FeeRule(bps1, fixed1), 0), 0)
            .With(new PricedFrom("EUR", new FeeRule(bps2, fixed2), 43_200_000_000), 43_200_000_000));

    private static readonly Gen<SettlementTerms> Terms = Gen.Select(
        Gen.Long[0, 1_000_000].Array[0, 3], Gen.Long[-2_000_000, 2_000_000], Gen.Int[0, 2_000], Gen.Long[0, 100_000], Gen.Long[1, 1_000_000].Array[0, 2],
        (tranches, carried, reserve, minimum, returned) => new SettlementTerms(
            [.. tranches.Select((a, i) => new ReserveTranche($"stl_{i}", "EUR", a, new DateOnly(2026, 1, 1)))], carried, reserve, minimum, "stl_previous",
            [.. returned.Select((a, i) => new ReturnedPayout($"po_{i}", "EUR", a))]));

    private static readonly Gen<(SettlementItem[] Items, PricingSchedule Pricing, SettlementTerms Terms)> Days =
        Gen.Select(Items.Array[0, 60].Select(a => a.DistinctBy(i => i.Reference).ToArray()), Pricing, Terms);

    [Fact]
    public void Payout_fees_reserve_and_carried_amounts_account_for_every_minor_unit_captured_and_refunded()
    {
        SeededSample.Run(Days, Seed, Samples, day =>
        {
            var (lines, t) = SettlementCalculation.Settle("stl_x", "EUR", day.Items, day.Pricing, day.Terms, 86_400_000_000);

            Assert.Equal(day.Items.Where(i => i.Kind == SettlementItemKind.Payment).Sum(i => i.AmountMinor), t.CapturedMinor);
            Assert.Equal(day.Items.Where(i => i.Kind == SettlementItemKind.Refund).Sum(i => i.AmountMinor), t.RefundedMinor);
            Assert.Equal(t.NetMinor, lines.Sum(l => l.AmountMinor));
            Assert.Equal(day.Terms.Returned.Sum(r => r.AmountMinor), t.ReturnedMinor);
            Assert.Equal(
                t.CapturedMinor - t.RefundedMinor,
                t.PayoutMinor + t.FeesMinor + t.ReserveHeldMinor - t.ReserveReleasedMinor + t.CarriedOutMinor - t.CarriedInMinor - t.ReturnedMinor);
            Assert.True(t.PayoutMinor == 0 || (t.PayoutMinor == t.NetMinor && t.PayoutMinor >= day.Terms.MinimumPayoutMinor), "a payout of part of the net, or below the minimum");
            Assert.True(t.PayoutMinor >= 0 && t.FeesMinor >= 0 && t.FeesMinor <= t.CapturedMinor, "a negative payout or fee, or fees above the captured amount");
            Assert.Equal(day.Items.Count(i => i.Kind == SettlementItemKind.Payment), lines.Count(l => l.Kind == SettlementLineKind.Payment));
        });
    }

    [Fact]
    public void A_day_is_settled_line_by_line_with_the_price_in_force_at_each_capture()
    {
        var pricing = PricingSchedule.None.With(new PricedFrom("EUR", new FeeRule(290, 30), 0), 0).With(new PricedFrom("EUR", new FeeRule(100, 0), 5_000), 5_000);
        SettlementItem[] items =
        [
            new(SettlementItemKind.Payment, "pay_a", "pay_a", "EUR", 10_000, 1_000), // fee 290 + 30
            new(SettlementItemKind.Payment, "pay_b", "pay_b", "EUR", 2_000, 6_000), // fee 20
            new(SettlementItemKind.Refund, "pay_a", "tr_refund", "EUR", 4_000, 7_000),
        ];
        var terms = new SettlementTerms([new ReserveTranche("stl_old", "EUR", 500, new DateOnly(2026, 1, 1))], -1_000, 1_000, 100, "stl_prev", [new ReturnedPayout("po_back", "EUR", 250)]);

        var (lines, totals) = SettlementCalculation.Settle("stl_new", "EUR", items, pricing, terms, 9_000);

        Assert.Equal(
            [
                (SettlementLineKind.CarriedIn, "stl_prev", -1_000L),
                (SettlementLineKind.Payment, "pay_a", 10_000L),
                (SettlementLineKind.Fee, "pay_a", -320L),
                (SettlementLineKind.Payment, "pay_b", 2_000L),
                (SettlementLineKind.Fee, "pay_b", -20L),
                (SettlementLineKind.Refund, "tr_refund", -4_000L),
                (SettlementLineKind.ReserveHeld, "stl_new", -1_200L),
                (SettlementLineKind.ReserveReleased, "stl_old", 500L),
                (SettlementLineKind.PayoutReturned, "po_back", 250L),
            ],
            lines.Select(l => (l.Kind, l.Reference, l.AmountMinor)));
        Assert.Equal(new SettlementTotals(12_000, 4_000, 340, 1_200, 500, -1_000, 250, 6_210, 6_210, 0), totals);
    }

    [Theory]
    [InlineData(-500, 0, 0, -500)] // more refunds than captures: the debt is carried
    [InlineData(99, 100, 0, 99)] // below the minimum: carried
    [InlineData(100, 100, 100, 0)] // at the minimum: paid
    [InlineData(0, 0, 0, 0)]
    public void A_net_below_the_minimum_or_not_positive_is_carried_forward(long carriedIn, long minimum, long payout, long carriedOut)
    {
        var (_, totals) = SettlementCalculation.Settle("stl", "EUR", [], PricingSchedule.None, new SettlementTerms([], carriedIn, 0, minimum, "stl_prev", []), 0);
        Assert.Equal((payout, carriedOut), (totals.PayoutMinor, totals.CarriedOutMinor));
    }

    [Fact]
    public void Items_in_another_currency_are_a_programming_error() =>
        Assert.Throws<ArgumentException>(() => SettlementCalculation.Settle("stl", "EUR",
            [new SettlementItem(SettlementItemKind.Payment, "p", "p", "USD", 1, 0)], PricingSchedule.None, new SettlementTerms([], 0, 0, 0, "x", []), 0));
}
