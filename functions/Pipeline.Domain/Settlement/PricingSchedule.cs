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
    /// <summary>
    /// How long after it is set a price takes effect: captures until then keep the old price. A request's clock may be
    /// behind, or the request paused between reading it and its write, while a run settles captures under the old
    /// price (found in review); a minute ahead, the new price starts after any run that can have seen the old one.
    /// </summary>
    public static readonly TimeSpan TakesEffectAfter = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A price superseded longer ago than this is dropped: no capture still unsettled can be under it, since captures are
    /// settled from the event log, which keeps 30 days (a merchant that far behind stops settling loudly anyway).
    /// </summary>
    public static readonly TimeSpan SupersededKeptFor = TimeSpan.FromDays(90);

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

    /// <summary>
    /// The schedule with <paramref name="entry"/> added — unchanged when the currency's latest price is the same rule (a
    /// price saved again keeps the time it took effect) — and the prices superseded more than
    /// <see cref="SupersededKeptFor"/> before <paramref name="nowMicros"/> dropped.
    /// </summary>
    public PricingSchedule With(PricedFrom entry, long nowMicros)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (Entries.Where(e => e.Currency == entry.Currency).MaxBy(e => e.EffectiveFromMicros)?.Rule == entry.Rule)
        {
            return this;
        }

        var all = Entries.Append(entry).ToList();
        var keepAfter = nowMicros - (SupersededKeptFor.Ticks / TimeSpan.TicksPerMicrosecond);
        return new([.. all.Where(e => !all.Any(later => later.Currency == e.Currency && later.EffectiveFromMicros > e.EffectiveFromMicros
            && later.EffectiveFromMicros < keepAfter))]);
    }
}
