namespace Pipeline.Domain.Settlement;

/// <summary>
/// What the platform charges per captured payment in one currency: a percentage in basis points plus a fixed amount.
/// The one rounding rule: the percentage part is rounded half up to a minor unit, once per payment; the fee never
/// exceeds the captured amount (a 0.10 capture under a 0.25 fixed fee costs 0.10, and settles to nothing rather than
/// to a debt). Refunds do not return fees.
/// </summary>
public sealed record FeeRule(int PercentBps, long FixedMinor)
{
    public const int PercentBpsMax = 10_000;

    /// <summary>The largest fixed part: 10,000.00 in a two-decimal currency.</summary>
    public const long FixedMinorMax = 1_000_000;

    private const long BpsPerWhole = 10_000;

    public long FeeOf(long capturedMinor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capturedMinor);
        return Math.Min(capturedMinor, PercentOf(capturedMinor, PercentBps) + FixedMinor);
    }

    /// <summary>
    /// <paramref name="bps"/> (at most 100 %) of <paramref name="amountMinor"/>, rounded half up. In 128 bits: a reserve is
    /// taken of a round's captured sum, far above one payment's bound (found in review: 10,000 captures of 10^12 wrapped).
    /// </summary>
    public static long PercentOf(long amountMinor, int bps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountMinor);
        ArgumentOutOfRangeException.ThrowIfNegative(bps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bps, PercentBpsMax);
        return (long)((((Int128)amountMinor * bps) + (BpsPerWhole / 2)) / BpsPerWhole);
    }
}
