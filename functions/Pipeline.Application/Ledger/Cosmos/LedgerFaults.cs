using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>The points between two writes of the transfer protocol, where a process may die.</summary>
public enum LedgerStep
{
    /// <summary>An account was looked up before its creation and not found; nothing is written yet.</summary>
    AccountAbsent,

    /// <summary>The transfer document exists (in flight); no account has changed.</summary>
    TransferRecorded,

    /// <summary>The debit side is applied; the credit side is not.</summary>
    DebitApplied,

    /// <summary>Both sides are applied; the transfer document still says in flight.</summary>
    CreditApplied,

    /// <summary>A charge's debit side and its record are written; its credit is not applied.</summary>
    ChargeDebited,

    /// <summary>A charge's credit is applied; its transfer document and record are not yet settled.</summary>
    ChargeCredited,

    /// <summary>A post, void or expiry has read its hold and found it may claim it; the claim is not written yet.</summary>
    HoldRead,

    /// <summary>A post, void or expiry has claimed its hold; its own document is not yet committing.</summary>
    HoldClaimed,

    /// <summary>A post, void or expiry is committing, or a chain has decided; no side of that decision is applied yet.</summary>
    Committed,

    /// <summary>One link of a chain is placed as a hold on both sides; later links are not.</summary>
    LinkHeld,

    /// <summary>A close attempt has closed one shard of the account (the id is the account's); the others and the decision are not written.</summary>
    ShardClosed,
}

/// <summary>
/// A seam to stop the protocol between two writes, as a crash would. Production uses <see cref="None"/>; crash
/// tests throw from it, then run recovery and check that every transfer ended fully applied or fully absent.
/// </summary>
public interface ILedgerFaults
{
    public static ILedgerFaults None { get; } = new NoFaults();

    ValueTask AfterAsync(LedgerStep step, LedgerId transferId);

    private sealed class NoFaults : ILedgerFaults
    {
        public ValueTask AfterAsync(LedgerStep step, LedgerId transferId) => ValueTask.CompletedTask;
    }
}
