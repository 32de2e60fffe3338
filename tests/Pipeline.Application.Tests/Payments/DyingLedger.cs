using Pipeline.Application.Ledger;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Tests.Payments;

/// <summary>
/// A ledger whose caller dies on its Nth transfer (or batch of transfers): before handing the transfer over, or after the ledger applied
/// it but before the answer came back. Everything else goes straight through.
/// </summary>
internal sealed class DyingLedger(ILedgerStore inner, int dieOnCall, bool afterApplying) : ILedgerStore
{
    private int calls;

    public Task<TransferResult> CreateTransferAsync(Transfer transfer, CancellationToken cancellationToken = default) =>
        DieAroundAsync(() => inner.CreateTransferAsync(transfer, cancellationToken));

    /// <summary>A charge counts as a call like any transfer; its background completion never runs here (the process is gone).</summary>
    public Task<TransferResult> ChargeAsync(Transfer transfer, string? memo, CancellationToken cancellationToken = default) =>
        DieAroundAsync(() => inner.ChargeAsync(transfer, memo, cancellationToken));

    public void CompleteCharge(Transfer transfer)
    {
        // The dying process's completer would have died with it: recovery completes the charge.
    }

    public Task SettleChargeAsync(Transfer transfer, CancellationToken cancellationToken = default) => inner.SettleChargeAsync(transfer, cancellationToken);

    public Task DrainAsync(CancellationToken cancellationToken) => inner.DrainAsync(cancellationToken);

    private async Task<T> DieAroundAsync<T>(Func<Task<T>> call)
    {
        var dies = Interlocked.Increment(ref calls) == dieOnCall;
        if (dies && !afterApplying)
        {
            throw new ProcessDiedException();
        }

        var result = await call();
        return dies ? throw new ProcessDiedException() : result;
    }

    public Task<CreateAccountResult> CreateAccountAsync(NewAccount spec, int creditShards = 1, CancellationToken cancellationToken = default) =>
        inner.CreateAccountAsync(spec, creditShards, cancellationToken);

    public Task<CloseAccountResult> CloseAccountAsync(LedgerId id, CancellationToken cancellationToken = default) => inner.CloseAccountAsync(id, cancellationToken);

    public Task<Account?> GetAccountAsync(LedgerId id, CancellationToken cancellationToken = default) => inner.GetAccountAsync(id, cancellationToken);

    /// <summary>A batch (a settlement's linked chain) counts as one call.</summary>
    public Task<TransferResult[]> CreateTransfersAsync(IReadOnlyList<Transfer> batch, CancellationToken cancellationToken = default) =>
        DieAroundAsync(() => inner.CreateTransfersAsync(batch, cancellationToken));

    public Task<TransferRecord?> GetTransferAsync(LedgerId id, CancellationToken cancellationToken = default) => inner.GetTransferAsync(id, cancellationToken);

    public Task<TransferResult?> GetFailureAsync(LedgerId id, CancellationToken cancellationToken = default) => inner.GetFailureAsync(id, cancellationToken);

    public Task<EntryPage> GetEntriesAsync(LedgerId accountId, string? after, int limit, CancellationToken cancellationToken = default) =>
        inner.GetEntriesAsync(accountId, after, limit, cancellationToken);

    public Task<int> ExpirePendingTransfersAsync(CancellationToken cancellationToken = default) => inner.ExpirePendingTransfersAsync(cancellationToken);

    public Task<int> RecoverAsync(TimeSpan olderThan, CancellationToken cancellationToken = default) => inner.RecoverAsync(olderThan, cancellationToken);

    public Task<LedgerAudit> AuditAsync(CancellationToken cancellationToken = default) => inner.AuditAsync(cancellationToken);
}

internal sealed class ProcessDiedException() : Exception("The process died here (simulated).");
