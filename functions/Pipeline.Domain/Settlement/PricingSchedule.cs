namespace Pipeline.Domain.Settlement;

/// <summary>A fee rule for one currency from a moment on (Unix microseconds: the time the admin set it).</summary>
public sealed record PricedFrom(string Currency, FeeRule Rule, long EffectiveFromMicros);

/// <summary>
/// A merchant's pricing over time. A payment's fee follows the rule in force when it was captured (its change time),
/// whenever the settlement runs: setting a new price never reprices what was captured before, and every process
/// computes the same fee (nothing depends on a cached copy of the merchant).
/// </summary>
public sealed record PricingSchedule(IReadOnlyList<PricedFrom> Entries)
{
    /// <summary>How many rules are kept per currency (older ones are dropped once a newer one has been in force this long).</summary>
    public const int EntriesPerCurrencyMax = 20;

    public static PricingSchedule None { get; } = new([]);

    /// <summary>The rule for <paramref name="currency"/> at <paramref name="atMicros"/>; null when none was set (no fee).</summary>
    public FeeRule? RuleAt(string currency, long atMicros)
    {
        PricedFrom? found = null;
        foreach (var entry in Entries)
        {
            if (entry.Currency == currency && entry.EffectiveFromMicros <= atMicros && (found is null || entry.EffectiveFromMicros >= found.EffectiveFromMicros))
            {
                found = entry;
            }
        }

        return found?.Rule;
    }

    /// <summary>The fee of a capture of <paramref name="capturedMinor"/> at <paramref name="atMicros"/>.</summary>
    public long FeeOf(string currency, long capturedMinor, long atMicros) => RuleAt(currency, atMicros)?.FeeOf(capturedMinor) ?? 0;

    /// <summary>The schedule with <paramref name="entry"/> added; the currency's oldest rules beyond the bound are dropped.</summary>
    public PricingSchedule With(PricedFrom entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var same = Entries.Where(e => e.Currency == entry.Currency).OrderBy(e => e.EffectiveFromMicros).ToList();
        var dropped = same.Take(Math.Max(0, same.Count + 1 - EntriesPerCurrencyMax)).ToHashSet();
        return new([.. Entries.Where(e => !dropped.Contains(e)), entry]);
    }
}
