using System.Runtime.InteropServices;
using Pipeline.Domain.Monetary;

namespace Pipeline.Domain.Ledgers;

/// <summary>Which side of an account grows its balance: assets and expenses are debit-normal, wallets credit-normal.</summary>
public enum NormalBalance : byte
{
    Credit = 0,
    Debit = 1,
}

/// <summary>Balance constraints an account enforces on every transfer. The two are mutually exclusive.</summary>
[Flags]
public enum AccountFlags : byte
{
    None = 0,

    /// <summary>Debits (posted + pending) may not exceed posted credits plus the overdraft limit: "no overdraft".</summary>
    DebitsMustNotExceedCredits = 1,

    /// <summary>Credits (posted + pending) may not exceed posted debits plus the limit: e.g. a credit line's ceiling.</summary>
    CreditsMustNotExceedDebits = 2,
}

/// <summary>What a caller asks for when opening an account.</summary>
/// <param name="Id">Caller-chosen, non-zero; opening the same id again with the same fields answers <c>exists</c>.</param>
/// <param name="Currency">Every transfer on the account must be in this currency.</param>
/// <param name="NormalBalance">Which side the reported balance grows on.</param>
/// <param name="Flags">The balance constraint, if any.</param>
/// <param name="LimitMinor">How far the constrained side may exceed the other (an overdraft limit); 0 without a flag.</param>
/// <param name="Code">A chart-of-accounts code chosen by the application (wallet, funding, fees...).</param>
/// <param name="Tag">
/// Whose account this is, for readers of a stored ledger's entries (a wallet's id): written on the account and on
/// each of its entries with a gapless entry number, so a change feed can tell a wallet's balance changes in order.
/// Not a term of the account: opening it again with another tag answers <c>exists</c>.
/// </param>
public readonly record struct NewAccount(
    LedgerId Id,
    Currency Currency,
    NormalBalance NormalBalance = NormalBalance.Credit,
    AccountFlags Flags = AccountFlags.None,
    long LimitMinor = 0,
    ushort Code = 0,
    string? Tag = null);

/// <summary>
/// An account and its four running totals. Pending amounts are holds not yet posted or released. Every total is
/// kept non-negative and every sum of a pending and a posted total fits in a long (the ledger refuses transfers
/// that would overflow), so the derived balances below cannot overflow.
/// </summary>
/// <remarks>
/// Auto layout lets the runtime order the fields by size instead of as declared, which saves the padding
/// (88 bytes to 80): every transfer reads two accounts from a table far larger than the CPU caches.
/// </remarks>
[StructLayout(LayoutKind.Auto)]
public record struct Account
{
    public required LedgerId Id { get; init; }
    public required Currency Currency { get; init; }
    public NormalBalance NormalBalance { get; init; }
    public AccountFlags Flags { get; init; }
    public long LimitMinor { get; init; }
    public ushort Code { get; init; }
    public long Timestamp { get; init; }

    public long DebitsPending { get; init; }
    public long DebitsPosted { get; init; }
    public long CreditsPending { get; init; }
    public long CreditsPosted { get; init; }
    public bool Closed { get; init; }

    /// <summary>Posted balance on the normal side.</summary>
    public readonly long PostedMinor => NormalBalance == NormalBalance.Credit
        ? CreditsPosted - DebitsPosted
        : DebitsPosted - CreditsPosted;

    /// <summary>Held amounts leaving the account (pending on the side opposite to the normal one).</summary>
    public readonly long PendingOutMinor => NormalBalance == NormalBalance.Credit ? DebitsPending : CreditsPending;

    /// <summary>Held amounts arriving at the account.</summary>
    public readonly long PendingInMinor => NormalBalance == NormalBalance.Credit ? CreditsPending : DebitsPending;

    /// <summary>
    /// What can be spent now: posted balance less outgoing holds. Incoming holds are not counted, because they
    /// may still be voided. An overdraft limit is not included either; callers add <see cref="LimitMinor"/>.
    /// </summary>
    public readonly long AvailableMinor => NormalBalance == NormalBalance.Credit
        ? CreditsPosted - (DebitsPosted + DebitsPending)
        : DebitsPosted - (CreditsPosted + CreditsPending);

    public readonly bool HasPending => DebitsPending != 0 || CreditsPending != 0;

    /// <summary>The account with <paramref name="amount"/> added to its pending or posted debits (negative releases a hold).</summary>
    public readonly Account Debit(long amount, bool pending) => pending
        ? this with { DebitsPending = DebitsPending + amount }
        : this with { DebitsPosted = DebitsPosted + amount };

    /// <summary>The account with <paramref name="amount"/> added to its pending or posted credits.</summary>
    public readonly Account Credit(long amount, bool pending) => pending
        ? this with { CreditsPending = CreditsPending + amount }
        : this with { CreditsPosted = CreditsPosted + amount };
}
