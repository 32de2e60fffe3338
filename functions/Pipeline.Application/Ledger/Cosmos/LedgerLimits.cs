namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>Every bound of the Cosmos ledger store, in one place.</summary>
public static class LedgerLimits
{
    /// <summary>Partitions a hot account's credits are spread over.</summary>
    public const int CreditShardsMax = 64;

    /// <summary>Attempts at one compare-and-swap before giving up: enough for 256 writers on one account.</summary>
    public const int ConcurrencyAttemptsMax = 400;

    /// <summary>Upper bound of the random pause between two attempts after an ETag conflict.</summary>
    public static readonly TimeSpan ConflictBackoffMax = TimeSpan.FromMilliseconds(8);

    /// <summary>Entries per page.</summary>
    public const int EntryPageSizeMax = 500;

    /// <summary>Scans the audit repeats when transfers move while it reads.</summary>
    public const int AuditScansMax = 10;
}
