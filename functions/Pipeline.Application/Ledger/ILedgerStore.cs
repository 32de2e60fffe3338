using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Ledger;

/// <summary>
/// A durable ledger with the rules of <see cref="Domain.Ledgers.Ledger"/>: the same results for the same
/// requests. Safe to call concurrently and to call again with the same ids after any failure.
/// </summary>
public interface ILedgerStore
{
    /// <param name="creditShards">How many partitions take this account's credits (1 = an ordinary account).</param>
    Task<CreateAccountResult> CreateAccountAsync(NewAccount spec, int creditShards = 1, CancellationToken cancellationToken = default);

    Task<CloseAccountResult> CloseAccountAsync(LedgerId id, CancellationToken cancellationToken = default);

    /// <summary>The account with its totals summed over its shards, or null.</summary>
    Task<Account?> GetAccountAsync(LedgerId id, CancellationToken cancellationToken = default);

    /// <summary>Applies one unlinked transfer (simple, pending, post or void).</summary>
    Task<TransferResult> CreateTransferAsync(Transfer transfer, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a batch in order; transfers flagged linked apply with the next one all or nothing, as in the core.
    /// Links of a chain must be simple or pending transfers (a post or void is resolved on its own).
    /// </summary>
    Task<TransferResult[]> CreateTransfersAsync(IReadOnlyList<Transfer> batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// A simple transfer applied in one write on its debit side: the debit, its entry and a record of the credit
    /// still owed, together. Answers like <see cref="CreateTransferAsync"/> (a refusal changes nothing and decides
    /// the id). Until <see cref="CompleteCharge"/> or recovery applies the credit, the amount is in flight (the audit
    /// counts it). The id must be reserved (<see cref="LedgerId.Reserved"/>: no transfer request may take it while
    /// the charge is in flight) and unique to its caller's record (derived from it); <paramref name="memo"/> is that
    /// record, kept with the charge so recovery can hand it to the <see cref="IChargeRecorder"/> if the caller died.
    /// A charge refused once answers the same refusal again (not id_already_failed), so its caller can say why.
    /// </summary>
    Task<TransferResult> ChargeAsync(Transfer transfer, string? memo, CancellationToken cancellationToken = default);

    /// <summary>
    /// The caller has stored its record of the charge: the ledger may credit it, in bulk with others, and forget
    /// the memo. Returns at once; a charge never completed here is completed by <see cref="RecoverAsync"/>.
    /// </summary>
    void CompleteCharge(Transfer transfer);

    /// <summary>Applies the charge's credit now if it is still owed (before money flows back out of the credited account).</summary>
    Task SettleChargeAsync(Transfer transfer, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops taking background work and finishes what is queued (the host calls it at shutdown, through
    /// <see cref="LedgerBackgroundWork"/>); what <paramref name="cancellationToken"/> cuts short is left to recovery.
    /// </summary>
    Task DrainAsync(CancellationToken cancellationToken);

    Task<TransferRecord?> GetTransferAsync(LedgerId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Why the transfer with this id was refused, or null when it was not (applied, in flight, or unknown). A
    /// resubmission of a refused id answers only id_already_failed; a caller re-running its own step asks this.
    /// </summary>
    Task<TransferResult?> GetFailureAsync(LedgerId id, CancellationToken cancellationToken = default);

    /// <summary>The account's entries, oldest first, after the cursor of the previous page.</summary>
    Task<EntryPage> GetEntriesAsync(LedgerId accountId, string? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>Releases every hold whose timeout has passed; returns how many expired.</summary>
    Task<int> ExpirePendingTransfersAsync(CancellationToken cancellationToken = default);

    /// <summary>Drives every transfer and charge in flight for longer than <paramref name="olderThan"/> to its end.</summary>
    Task<int> RecoverAsync(TimeSpan olderThan, CancellationToken cancellationToken = default);

    /// <summary>Per currency: the sums of all accounts, and the money in flight between them.</summary>
    Task<LedgerAudit> AuditAsync(CancellationToken cancellationToken = default);
}

/// <summary>One change to one account: the transfer, what moved, and the account's totals right after it.</summary>
public sealed record LedgerEntry(
    LedgerId TransferId,
    LedgerId AccountId,
    string Kind,
    long PostedDeltaMinor,
    long PendingDeltaMinor,
    long DebitsPending,
    long DebitsPosted,
    long CreditsPending,
    long CreditsPosted,
    long Timestamp);

/// <param name="Next">The cursor for the next page, or null on the last page.</param>
public sealed record EntryPage(IReadOnlyList<LedgerEntry> Entries, string? Next);

/// <summary>
/// One currency's totals. Every transfer adds the same amount to a debit and a credit total, except while it is
/// between its two sides: then the debit side has moved and the credit side not yet, by exactly the in-flight amount.
/// </summary>
public sealed record CurrencyAudit(
    Int128 DebitsPosted,
    Int128 CreditsPosted,
    Int128 DebitsPending,
    Int128 CreditsPending,
    Int128 InFlightPosted,
    Int128 InFlightPending)
{
    public bool Balanced => DebitsPosted - CreditsPosted == InFlightPosted && DebitsPending - CreditsPending == InFlightPending;
}

public sealed record LedgerAudit(IReadOnlyDictionary<Currency, CurrencyAudit> Currencies)
{
    public bool Balanced => Currencies.Values.All(c => c.Balanced);
}
