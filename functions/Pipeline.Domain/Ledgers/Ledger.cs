using System.Runtime.CompilerServices;

namespace Pipeline.Domain.Ledgers;

/// <summary>
/// The ledger core: accounts, transfers, holds and their rules, in memory, deterministic and single-threaded.
/// It is the reference for every store: the Cosmos DB ledger must answer exactly as this class does. Callers
/// serialise access (one writer at a time); time comes only from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class Ledger
{
    private readonly TimeProvider time;
    private readonly LedgerIdMap<Account> accounts;
    private readonly TransferTable transfers;

    // Ids of transfers that were rejected for their own reasons: an id is decided once, so a replay of a
    // rejected transfer answers id_already_failed instead of being re-judged against a ledger that has moved on.
    /// <summary>Rejected ids and why: a rejected id stays rejected, and the reason can be asked for later.</summary>
    private readonly Dictionary<LedgerId, TransferResult> failedTransferIds = [];
    private readonly PriorityQueue<LedgerId, long> expiries = new();
    private readonly UndoLog undo = new();
    private long lastTimestamp;

    /// <param name="time">The clock for timestamps and hold expiry.</param>
    /// <param name="accountCapacity">Expected number of accounts, to avoid rehashing while loading.</param>
    /// <param name="transferCapacity">Expected number of transfers.</param>
    public Ledger(TimeProvider time, int accountCapacity = 0, int transferCapacity = 0)
    {
        ArgumentNullException.ThrowIfNull(time);
        this.time = time;
        accounts = new LedgerIdMap<Account>(accountCapacity);
        transfers = new TransferTable(transferCapacity);
    }

    public int AccountCount => accounts.Count;

    public int TransferCount => transfers.Count;

    /// <summary>Every account, in no particular order.</summary>
    public IEnumerable<Account> Accounts => accounts.Values;

    /// <summary>Every transfer, in the order they were applied.</summary>
    public IEnumerable<TransferRecord> Transfers => transfers.Records;

    public bool TryGetAccount(LedgerId id, out Account account)
    {
        ref var found = ref accounts.Find(id);
        account = Unsafe.IsNullRef(ref found) ? default : found;
        return !Unsafe.IsNullRef(ref found);
    }

    public bool TryGetTransfer(LedgerId id, out TransferRecord transfer)
    {
        ref var found = ref transfers.Find(id);
        transfer = Unsafe.IsNullRef(ref found) ? default : found;
        return !Unsafe.IsNullRef(ref found);
    }

    /// <summary>Why the transfer with this id was rejected (a resubmission only answers id_already_failed); null if it was not.</summary>
    public TransferResult? FailureOf(LedgerId id) => failedTransferIds.TryGetValue(id, out var failure) ? failure : null;

    public CreateAccountResult CreateAccount(in NewAccount spec)
    {
        var invalid = AccountRules.Validate(spec);
        if (invalid != CreateAccountResult.Ok)
        {
            return invalid;
        }

        var now = time.GetUtcNow().UtcTicks; // read before the slot is taken: nothing may throw between the two
        ref var slot = ref accounts.FindOrAdd(spec.Id, out var exists);
        if (exists)
        {
            return AccountRules.CompareWithExisting(spec, slot);
        }

        slot = new Account
        {
            Id = spec.Id,
            Currency = spec.Currency,
            NormalBalance = spec.NormalBalance,
            Flags = spec.Flags,
            LimitMinor = spec.LimitMinor,
            Code = spec.Code,
            Timestamp = NextTimestamp(now),
        };
        return CreateAccountResult.Ok;
    }

    /// <summary>Closes an account without holds; a closed account refuses every new transfer.</summary>
    public CloseAccountResult CloseAccount(LedgerId id)
    {
        ref var account = ref accounts.Find(id);
        if (Unsafe.IsNullRef(ref account))
        {
            return CloseAccountResult.AccountNotFound;
        }

        if (account.Closed)
        {
            return CloseAccountResult.AccountAlreadyClosed;
        }

        if (account.HasPending)
        {
            return CloseAccountResult.AccountHasPendingTransfers;
        }

        account = account with { Closed = true };
        return CloseAccountResult.Ok;
    }

    /// <summary>Unique, strictly increasing timestamps, even when the clock stands still or steps back.</summary>
    private long NextTimestamp(long nowTicks) => lastTimestamp = Math.Max(nowTicks, lastTimestamp + 1);
}
