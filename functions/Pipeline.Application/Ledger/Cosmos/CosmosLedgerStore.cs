using System.Collections.Concurrent;
using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// The ledger on Cosmos DB. Each side of a transfer is one transactional batch in the account's partition (the
/// account document with its new totals, guarded by its ETag, plus an entry whose id is the transfer id); the
/// transfer document in the transfers container is the record of what is in flight. Every step is idempotent,
/// so the writer, a retry of the same request and <see cref="RecoverAsync"/> can all drive the same transfer and
/// it still applies exactly once. docs/ARCHITECTURE.md walks through the protocol and why it cannot lose money.
/// </summary>
public sealed partial class CosmosLedgerStore : ILedgerStore
{
    private readonly Container accounts;
    private readonly Container transfers;
    private readonly Container bulkAccounts;
    private readonly Container bulkTransfers;
    private readonly TimeProvider time;
    private readonly ILedgerFaults faults;
    private readonly IChargeRecorder recorder;
    private readonly ILogger logger;
    private readonly ChargeCompleter completer;
    private readonly AccountDocumentCache cache = new();

    /// <summary>
    /// Charges this process made whose callers have not yet said to complete them, by the whole request (an id alone
    /// could name another account's charge: its caller's key reused for another wallet).
    /// </summary>
    private readonly ConcurrentDictionary<Transfer, ChargeDocument> madeHere = new();
    private int completionsSinceSweep;

    /// <param name="charges">How charges are completed in the background; <see cref="ChargeSettings.Default"/> when null.</param>
    public CosmosLedgerStore(Database database, TimeProvider time, ILedgerFaults? faults = null, ChargeSettings? charges = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        charges ??= ChargeSettings.Default;
        accounts = database.GetContainer(LedgerContainers.Accounts);
        transfers = database.GetContainer(LedgerContainers.Transfers);
        var bulk = charges.BulkDatabase ?? database;
        bulkAccounts = bulk.GetContainer(LedgerContainers.Accounts);
        bulkTransfers = bulk.GetContainer(LedgerContainers.Transfers);
        this.time = time;
        this.faults = faults ?? ILedgerFaults.None;
        recorder = charges.Recorder;
        logger = charges.Logger;
        completer = new ChargeCompleter(CompleteChargesAsync, LookUpChargeAsync, charges.Logger);
    }

    public async Task<CreateAccountResult> CreateAccountAsync(NewAccount spec, int creditShards = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(creditShards, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(creditShards, LedgerLimits.CreditShardsMax);
        var invalid = AccountRules.Validate(spec);
        if (invalid != CreateAccountResult.Ok)
        {
            return invalid;
        }

        var existing = await ReadAccountAsync(AccountPartition(spec.Id, 0), cancellationToken);
        if (existing is null)
        {
            await faults.AfterAsync(LedgerStep.AccountAbsent, spec.Id);
            var main = AccountDocument.Open(spec, 0, creditShards, time.GetUtcNow().UtcTicks);
            try
            {
                existing = await CreateAccountDocumentAsync(main, cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                existing = await ReadAccountAsync(main.Pk, cancellationToken)
                    ?? throw new InvalidOperationException($"Account {spec.Id} conflicted on create but cannot be read.");
                return AccountRules.CompareWithExisting(spec, existing.ToAccount());
            }

            await EnsureShardsAsync(existing, cancellationToken);
            return CreateAccountResult.Ok;
        }

        // A creation that died before opening every shard left the rest for whoever comes next.
        await EnsureShardsAsync(existing, cancellationToken);
        return AccountRules.CompareWithExisting(spec, existing.ToAccount());
    }

    public async Task<Account?> GetAccountAsync(LedgerId id, CancellationToken cancellationToken = default)
    {
        var shards = await ReadShardsAsync(id, cancellationToken);
        if (shards.Count == 0)
        {
            return null;
        }

        var sum = shards[0].ToAccount();
        foreach (var shard in shards.Skip(1))
        {
            sum = sum
                .Debit(shard.DebitsPending, pending: true).Debit(shard.DebitsPosted, pending: false)
                .Credit(shard.CreditsPending, pending: true).Credit(shard.CreditsPosted, pending: false);
        }

        return sum;
    }

    public async Task<TransferRecord?> GetTransferAsync(LedgerId id, CancellationToken cancellationToken = default)
    {
        var document = await ReadTransferAsync(id, cancellationToken);
        return document is { State: TransferState.Applied } ? document.ToRecord() : null;
    }

    public async Task<TransferResult?> GetFailureAsync(LedgerId id, CancellationToken cancellationToken = default)
    {
        var document = await ReadTransferAsync(id, cancellationToken);
        return document is { State: TransferState.Failed } ? ParseCode(document.Failure!) : null;
    }

    /// <summary>The main account document and, for a sharded account, its other shards; empty when it does not exist.</summary>
    private async Task<IReadOnlyList<AccountDocument>> ReadShardsAsync(LedgerId id, CancellationToken cancellationToken)
    {
        var main = await ReadAccountAsync(AccountPartition(id, 0), cancellationToken);
        if (main is null)
        {
            return [];
        }

        if (main.Shards == 1)
        {
            return [main];
        }

        var others = Enumerable.Range(1, main.Shards - 1)
            .Select(shard => (AccountDocument.DocumentId, Key(AccountPartition(id, shard))))
            .ToList();
        var rest = await accounts.ReadManyItemsAsync<AccountDocument>(others, cancellationToken: cancellationToken);
        return [main, .. rest.OrderBy(s => s.Shard)];
    }
}
