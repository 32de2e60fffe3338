using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Ledger;

/// <summary>
/// The ledger core behind the store interface, for fast tests and a store-less local run: one lock, nothing
/// durable. Nothing is ever in flight, so recovery has nothing to do; entries are folded from the transfers.
/// </summary>
public sealed class InMemoryLedgerStore(TimeProvider time) : ILedgerStore
{
    private readonly Domain.Ledgers.Ledger ledger = new(time);
    private readonly Lock gate = new();

    public Task<CreateAccountResult> CreateAccountAsync(NewAccount spec, int creditShards = 1, CancellationToken cancellationToken = default) =>
        Locked(() => ledger.CreateAccount(spec));

    public Task<CloseAccountResult> CloseAccountAsync(LedgerId id, CancellationToken cancellationToken = default) =>
        Locked(() => ledger.CloseAccount(id));

    public Task<Account?> GetAccountAsync(LedgerId id, CancellationToken cancellationToken = default) =>
        Locked(() => ledger.TryGetAccount(id, out var account) ? account : (Account?)null);

    public Task<TransferResult> CreateTransferAsync(Transfer transfer, CancellationToken cancellationToken = default) =>
        Locked(() => ledger.CreateTransfer(transfer));

    /// <summary>Nothing is ever in flight here: a charge is an ordinary transfer, credited at once. A refused one answers its refusal again.</summary>
    public Task<TransferResult> ChargeAsync(Transfer transfer, string? memo, CancellationToken cancellationToken = default) =>
        Locked(() => ledger.CreateReservedTransfer(transfer) is var result && result == TransferResult.IdAlreadyFailed ? ledger.FailureOf(transfer.Id) ?? result : result);

    public void CompleteCharge(Transfer transfer)
    {
        // Already complete: the charge was credited when it was made.
    }

    public Task SettleChargeAsync(Transfer transfer, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>Nothing runs in the background here: charges complete as they are asked to.</summary>
    public Task DrainAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<TransferResult[]> CreateTransfersAsync(IReadOnlyList<Transfer> batch, CancellationToken cancellationToken = default) =>
        Locked(() => ledger.CreateTransfers([.. batch]));

    public Task<TransferRecord?> GetTransferAsync(LedgerId id, CancellationToken cancellationToken = default) =>
        Locked(() => ledger.TryGetTransfer(id, out var transfer) ? transfer : (TransferRecord?)null);

    public Task<TransferResult?> GetFailureAsync(LedgerId id, CancellationToken cancellationToken = default) =>
        Locked(() => ledger.FailureOf(id));

    public Task<int> ExpirePendingTransfersAsync(CancellationToken cancellationToken = default) =>
        Locked(ledger.ExpirePendingTransfers);

    public Task<int> RecoverAsync(TimeSpan olderThan, CancellationToken cancellationToken = default) => Task.FromResult(0);

    public Task<LedgerAudit> AuditAsync(CancellationToken cancellationToken = default) =>
        Locked(() => new LedgerAudit(ledger.Totals().ToDictionary(
            p => p.Key,
            p => new CurrencyAudit(p.Value.DebitsPosted, p.Value.CreditsPosted, p.Value.DebitsPending, p.Value.CreditsPending, 0, 0))));

    public Task<EntryPage> GetEntriesAsync(LedgerId accountId, string? after, int limit, CancellationToken cancellationToken = default) =>
        Locked(() =>
        {
            var skip = after is null ? 0 : int.Parse(after, System.Globalization.CultureInfo.InvariantCulture);
            var entries = Fold(accountId).Skip(skip).Take(limit + 1).ToList();
            var page = entries.Take(limit).ToList();
            return new EntryPage(page, entries.Count > limit ? (skip + limit).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
        });

    /// <summary>
    /// The account's entries in the order the ledger applied them, each with the totals after it. An expired hold
    /// has no transfer in the core, so its release is listed as an "expire" entry at the moment it expired.
    /// </summary>
    private IEnumerable<LedgerEntry> Fold(LedgerId accountId)
    {
        var events = new List<(long At, LedgerId Transfer, string Kind, bool IsDebit, long Posted, long Pending)>();
        foreach (var record in ledger.Transfers.Where(t => t.DebitAccountId == accountId || t.CreditAccountId == accountId))
        {
            var (kind, posted, pending) = Delta(record);
            events.Add((record.Timestamp, record.Request.Id, kind, record.DebitAccountId == accountId, posted, pending));
            if (record.State == PendingState.Expired)
            {
                events.Add((record.ExpiresAt, record.Request.Id, "expire", record.DebitAccountId == accountId, 0, -record.AmountMinor));
            }
        }

        var totals = new Account { Id = accountId, Currency = Currency.EUR };
        foreach (var e in events.OrderBy(e => e.At))
        {
            totals = e.IsDebit ? totals.Debit(e.Posted, false).Debit(e.Pending, true) : totals.Credit(e.Posted, false).Credit(e.Pending, true);
            yield return new LedgerEntry(e.Transfer, accountId, e.Kind, e.Posted, e.Pending,
                totals.DebitsPending, totals.DebitsPosted, totals.CreditsPending, totals.CreditsPosted, e.At);
        }
    }

    private (string Kind, long Posted, long Pending) Delta(in TransferRecord record)
    {
        var request = record.Request;
        if (!request.IsPostOrVoid)
        {
            return request.IsPending ? ("hold", 0, record.AmountMinor) : ("transfer", record.AmountMinor, 0);
        }

        ledger.TryGetTransfer(request.PendingId, out var hold);
        return (request.Flags & TransferFlags.PostPending) != 0
            ? ("post", record.AmountMinor, -hold.AmountMinor)
            : ("void", 0, -hold.AmountMinor);
    }

    private Task<T> Locked<T>(Func<T> action)
    {
        lock (gate)
        {
            return Task.FromResult(action());
        }
    }
}
