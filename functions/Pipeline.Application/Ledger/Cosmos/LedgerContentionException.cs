using Pipeline.Application.Cosmos;
namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>An account kept changing under every attempt: an operational signal (a runaway hot account), not a user error.</summary>
public sealed class LedgerContentionException(string partition)
    : Exception($"Gave up on account partition {partition} after {Contention.AttemptsMax} conflicting attempts.");
