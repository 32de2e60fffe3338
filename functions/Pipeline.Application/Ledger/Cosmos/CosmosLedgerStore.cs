using Microsoft.Azure.Cosmos;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// The ledger on Cosmos DB, as a façade over its parts. Each side of a transfer is one transactional batch in the
/// account's partition (<see cref="PartitionWriter"/>: the account document with its new totals, guarded by its
/// ETag, plus an entry whose id is the transfer id); the transfer document in the transfers container is the record
/// of what is in flight (<see cref="TransferProtocol"/>, with <see cref="HoldResolution"/> and <see cref="ChainRunner"/>).
/// Every step is idempotent, so the writer, a retry of the same request and <see cref="LedgerRecovery"/> can all
/// drive the same transfer and it still applies exactly once. docs/ARCHITECTURE.md walks through the protocol and
/// why it cannot lose money.
/// </summary>
public sealed class CosmosLedgerStore : ILedgerStore
{
    private readonly AccountBook accountBook;
    private readonly AccountClosing closing;
    private readonly TransferDocuments transferDocuments;
    private readonly TransferProtocol protocol;
    private readonly ChargeBook charges;
    private readonly EntryPages entries;
    private readonly LedgerRecovery recovery;
    private readonly LedgerAuditor auditor;

    /// <param name="charges">How charges are completed in the background; <see cref="ChargeSettings.Default"/> when null.</param>
    public CosmosLedgerStore(Database database, TimeProvider time, ILedgerFaults? faults = null, ChargeSettings? charges = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        charges ??= ChargeSettings.Default;
        faults ??= ILedgerFaults.None;
        var accounts = new AccountDocuments(database.GetContainer(LedgerContainers.Accounts));
        transferDocuments = new TransferDocuments(database.GetContainer(LedgerContainers.Transfers));
        closing = new AccountClosing(accounts, time, faults, charges.Logger);
        var writer = new PartitionWriter(accounts, closing, time);
        protocol = new TransferProtocol(accounts, transferDocuments, writer, time, faults, charges.Logger);
        var bulk = charges.BulkDatabase ?? database;
        var credits = new ChargeCredits(accounts, writer, bulk.GetContainer(LedgerContainers.Accounts), bulk.GetContainer(LedgerContainers.Transfers),
            time, faults, charges.Logger);
        this.charges = new ChargeBook(accounts, writer, credits, charges.Recorder, time, faults, charges.Logger);
        accountBook = new AccountBook(accounts, time, faults);
        entries = new EntryPages(accounts);
        recovery = new LedgerRecovery(transferDocuments, protocol, this.charges, closing, time, charges.Logger);
        auditor = new LedgerAuditor(accounts, transferDocuments);
    }

    public Task<CreateAccountResult> CreateAccountAsync(NewAccount spec, int creditShards = 1, CancellationToken cancellationToken = default) =>
        accountBook.CreateAsync(spec, creditShards, cancellationToken);

    public Task<CloseAccountResult> CloseAccountAsync(LedgerId id, CancellationToken cancellationToken = default) =>
        closing.CloseAccountAsync(id, cancellationToken);

    public Task<Account?> GetAccountAsync(LedgerId id, CancellationToken cancellationToken = default) =>
        accountBook.GetAsync(id, cancellationToken);

    public Task<TransferResult> CreateTransferAsync(Transfer transfer, CancellationToken cancellationToken = default) =>
        protocol.CreateTransferAsync(transfer, cancellationToken);

    public Task<TransferResult[]> CreateTransfersAsync(IReadOnlyList<Transfer> batch, CancellationToken cancellationToken = default) =>
        protocol.Chains.CreateTransfersAsync(batch, cancellationToken);

    public Task<TransferResult> ChargeAsync(Transfer transfer, string? memo, CancellationToken cancellationToken = default) =>
        charges.ChargeAsync(transfer, memo, cancellationToken);

    public void CompleteCharge(Transfer transfer) => charges.CompleteCharge(transfer);

    public Task SettleChargeAsync(Transfer transfer, CancellationToken cancellationToken = default) =>
        charges.SettleChargeAsync(transfer, cancellationToken);

    public Task DrainAsync(CancellationToken cancellationToken) => charges.DrainAsync(cancellationToken);

    public async Task<TransferRecord?> GetTransferAsync(LedgerId id, CancellationToken cancellationToken = default)
    {
        var document = await transferDocuments.ReadAsync(id, cancellationToken);
        return document is { State: TransferState.Applied } ? document.ToRecord() : null;
    }

    public async Task<TransferResult?> GetFailureAsync(LedgerId id, CancellationToken cancellationToken = default)
    {
        var document = await transferDocuments.ReadAsync(id, cancellationToken);
        return document is { State: TransferState.Failed } ? ResultText.ParseTransferResult(document.Failure!) : null;
    }

    public Task<EntryPage> GetEntriesAsync(LedgerId accountId, string? after, int limit, CancellationToken cancellationToken = default) =>
        entries.GetAsync(accountId, after, limit, cancellationToken);

    public Task<int> ExpirePendingTransfersAsync(CancellationToken cancellationToken = default) =>
        protocol.Holds.ExpirePendingTransfersAsync(cancellationToken);

    public Task<int> RecoverAsync(TimeSpan olderThan, CancellationToken cancellationToken = default) =>
        recovery.RecoverAsync(olderThan, cancellationToken);

    public Task<LedgerAudit> AuditAsync(CancellationToken cancellationToken = default) => auditor.AuditAsync(cancellationToken);
}
