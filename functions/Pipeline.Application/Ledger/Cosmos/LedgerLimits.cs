namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>Every bound of the Cosmos ledger store, in one place.</summary>
public static class LedgerLimits
{
    /// <summary>Partitions a hot account's credits are spread over.</summary>
    public const int CreditShardsMax = 64;

    /// <summary>Charges credited in one transactional batch: the account document plus this many entries stays within Cosmos DB's 100 operations.</summary>
    public const int ChargeCreditsPerBatchMax = 99;

    /// <summary>Charges the background completer holds queued; beyond it, recovery completes them (their records persist).</summary>
    public const int ChargesQueuedMax = 50_000;

    /// <summary>Charges one pass of the background completer takes from its queue.</summary>
    public const int ChargeCompletionsPerPassMax = 2_000;

    /// <summary>Charges a process remembers between making them and their callers completing them, before it lets old ones go to recovery.</summary>
    public const int ChargesAwaitingCompletionMax = 10_000;

    /// <summary>Completions between two checks of how many made charges are remembered.</summary>
    public const int ChargesBetweenMemorySweeps = 1_024;

    /// <summary>How long a made charge is remembered for its caller; after that, recovery completes it.</summary>
    public static readonly TimeSpan ChargeAwaitingCompletionMax = TimeSpan.FromMinutes(1);

    /// <summary>How long the completer waits for more charges before a pass, so one batch carries many credits.</summary>
    public static readonly TimeSpan ChargeGatherDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>Times a new transfer's create is tried again when its id was held by a failed chain's link that its cleanup then freed.</summary>
    public const int FreedIdAttemptsMax = 3;

    /// <summary>Rounds a close goes through (driving another close attempt under way, then its own) before it gives up.</summary>
    public const int CloseRoundsMax = 4;

    /// <summary>Entries per page.</summary>
    public const int EntryPageSizeMax = 500;

    /// <summary>Scans the audit repeats when transfers move while it reads.</summary>
    public const int AuditScansMax = 10;
}
