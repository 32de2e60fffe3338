namespace Pipeline.Domain.Monetary;

/// <summary>Bounds on amounts in minor units, the same for wallets and payments.</summary>
public static class AmountLimits
{
    /// <summary>The largest amount, balance or overdraft in minor units (10^12: far from overflow, far above any real payment).</summary>
    public const long AmountMinorMax = 1_000_000_000_000;
}
