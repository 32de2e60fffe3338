namespace Pipeline.Domain.Settlement;

/// <summary>What a merchant's settlement in one currency takes into account (besides its items).</summary>
/// <param name="DueTranches">Reserve held earlier whose release date has come.</param>
/// <param name="CarriedInMinor">The previous settlement's carried-out amount (negative: a debt).</param>
/// <param name="ReservePercentBps">Share of the captured amount held back (basis points, rounded half up once per settlement).</param>
/// <param name="MinimumPayoutMinor">A net below this (or not positive) is carried forward instead of paid out.</param>
/// <param name="CarriedInReference">The settlement the carried amount comes from.</param>
/// <param name="Returned">Payouts returned since the previous settlement.</param>
public sealed record SettlementTerms(
    IReadOnlyList<ReserveTranche> DueTranches, long CarriedInMinor, int ReservePercentBps, long MinimumPayoutMinor, string CarriedInReference,
    IReadOnlyList<ReturnedPayout> Returned);

public sealed record SettlementOutcome(IReadOnlyList<SettlementLine> Lines, SettlementTotals Totals);

/// <summary>
/// A merchant's settlement in one currency, as a pure function of its items, its pricing and its terms. Every amount is
/// a whole number of minor units and the totals are sums of the lines, so no minor unit is created or lost between the
/// lines and the totals (the property tests draw random days).
/// </summary>
public static class SettlementCalculation
{
    /// <param name="settlementId">The settlement's id: the reserve it holds is a tranche under this id.</param>
    public static SettlementOutcome Settle(
        string settlementId, string currency, IReadOnlyList<SettlementItem> items, PricingSchedule pricing, SettlementTerms terms, long cutoffMicros)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(pricing);
        ArgumentNullException.ThrowIfNull(terms);
        if (items.Any(i => i.Currency != currency) || terms.DueTranches.Any(t => t.Currency != currency) || terms.Returned.Any(r => r.Currency != currency))
        {
            throw new ArgumentException($"A settlement in {currency} was given items or reserve of another currency.", nameof(items));
        }

        var lines = new List<SettlementLine>((items.Count * 2) + terms.DueTranches.Count + terms.Returned.Count + 2);
        if (terms.CarriedInMinor != 0)
        {
            lines.Add(new(SettlementLineKind.CarriedIn, terms.CarriedInReference, null, terms.CarriedInMinor, cutoffMicros));
        }

        foreach (var item in items.OrderBy(i => i.AtMicros).ThenBy(i => i.Reference, StringComparer.Ordinal))
        {
            ArgumentOutOfRangeException.ThrowIfNegative(item.AmountMinor);
            if (item.Kind == SettlementItemKind.Refund)
            {
                lines.Add(new(SettlementLineKind.Refund, item.Reference, item.PaymentId, -item.AmountMinor, item.AtMicros));
                continue;
            }

            lines.Add(new(SettlementLineKind.Payment, item.Reference, item.PaymentId, item.AmountMinor, item.AtMicros));
            var fee = pricing.FeeOf(currency, item.AmountMinor, item.AtMicros);
            if (fee > 0)
            {
                lines.Add(new(SettlementLineKind.Fee, item.Reference, item.PaymentId, -fee, item.AtMicros));
            }
        }

        var captured = SumOf(lines, SettlementLineKind.Payment);
        var held = FeeRule.PercentOf(captured, terms.ReservePercentBps);
        if (held > 0)
        {
            lines.Add(new(SettlementLineKind.ReserveHeld, settlementId, null, -held, cutoffMicros));
        }

        lines.AddRange(terms.DueTranches.Where(t => t.AmountMinor > 0).Select(t => new SettlementLine(SettlementLineKind.ReserveReleased, t.Id, null, t.AmountMinor, cutoffMicros)));
        lines.AddRange(terms.Returned.Select(r => new SettlementLine(SettlementLineKind.PayoutReturned, r.Id, null, r.AmountMinor, cutoffMicros)));
        var net = lines.Sum(l => l.AmountMinor);
        var payout = net > 0 && net >= terms.MinimumPayoutMinor ? net : 0;
        var totals = new SettlementTotals(
            captured,
            -SumOf(lines, SettlementLineKind.Refund),
            -SumOf(lines, SettlementLineKind.Fee),
            held,
            SumOf(lines, SettlementLineKind.ReserveReleased),
            terms.CarriedInMinor,
            SumOf(lines, SettlementLineKind.PayoutReturned),
            net,
            payout,
            net - payout);
        return new SettlementOutcome(lines, totals);
    }

    private static long SumOf(List<SettlementLine> lines, SettlementLineKind kind) => lines.Where(l => l.Kind == kind).Sum(l => l.AmountMinor);
}
