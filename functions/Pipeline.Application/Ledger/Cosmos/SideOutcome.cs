namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>What happened when a side of a transfer was attempted.</summary>
internal enum SideOutcome
{
    Applied,
    AlreadyApplied,

    /// <summary>The side was fenced before: an earlier attempt decided the transfer fails (the code is in the fence).</summary>
    Fenced,

    /// <summary>
    /// The account refused (limit, overflow, closed), judged on its current document: the refusal is fenced in the
    /// same write, unless the side says not to fence (then nothing was written).
    /// </summary>
    Refused,
}
