using Microsoft.Extensions.Time.Testing;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Domain.Tests.Ledgers;

/// <summary>
/// A ledger on a fake clock with a small chart of accounts: a debit-normal funding account, two no-overdraft
/// wallets, an overdraft wallet, a capped account, a USD account and a closed account. Ids are readable names.
/// </summary>
internal sealed class LedgerHarness
{
    public static readonly LedgerId Funding = Id("funding");
    public static readonly LedgerId Wallet = Id("wallet");
    public static readonly LedgerId Wallet2 = Id("wallet2");
    public static readonly LedgerId Overdraft = Id("overdraft");
    public static readonly LedgerId Capped = Id("capped");
    public static readonly LedgerId Usd = Id("usd");
    public static readonly LedgerId UsdFunding = Id("usd-funding");
    public static readonly LedgerId Closed = Id("closed");
    public static readonly LedgerId Missing = Id("missing");

    private int nextTransfer;

    public LedgerHarness()
    {
        Ledger = new Ledger(Clock);
        Open(new NewAccount(Funding, Currency.EUR, NormalBalance.Debit));
        Open(new NewAccount(Wallet, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits));
        Open(new NewAccount(Wallet2, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits));
        Open(new NewAccount(Overdraft, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits, LimitMinor: 500));
        Open(new NewAccount(Capped, Currency.EUR, NormalBalance.Debit, AccountFlags.CreditsMustNotExceedDebits, 1_000));
        Open(new NewAccount(Usd, Currency.USD));
        Open(new NewAccount(UsdFunding, Currency.USD, NormalBalance.Debit));
        Open(new NewAccount(Closed, Currency.EUR));
        Assert.Equal(CloseAccountResult.Ok, Ledger.CloseAccount(Closed));
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public Ledger Ledger { get; }

    public static LedgerId Id(string name) => LedgerId.FromName(name);

    public Account this[LedgerId id] => Ledger.TryGetAccount(id, out var account) ? account : throw new KeyNotFoundException(id.ToString());

    public void Open(NewAccount spec) => Assert.Equal(CreateAccountResult.Ok, Ledger.CreateAccount(spec));

    /// <summary>A fresh transfer id, unique within this harness.</summary>
    public LedgerId NextId() => Id($"transfer-{++nextTransfer}");

    public static Transfer Move(LedgerId id, LedgerId from, LedgerId to, long amount, TransferFlags flags = TransferFlags.None) =>
        new() { Id = id, DebitAccountId = from, CreditAccountId = to, Amount = amount, Currency = Currency.EUR, Flags = flags };

    public static Transfer Post(LedgerId id, LedgerId pendingId, long amount = Transfer.AmountOfPending) =>
        new() { Id = id, PendingId = pendingId, Amount = amount, Flags = TransferFlags.PostPending };

    public static Transfer Void(LedgerId id, LedgerId pendingId) =>
        new() { Id = id, PendingId = pendingId, Amount = Transfer.AmountOfPending, Flags = TransferFlags.VoidPending };

    /// <summary>Applies one transfer that the test expects to succeed.</summary>
    public LedgerId Apply(Transfer transfer)
    {
        Assert.Equal(TransferResult.Ok, Ledger.CreateTransfer(transfer));
        return transfer.Id;
    }

    /// <summary>Moves money from the funding account into an account.</summary>
    public void Fund(LedgerId account, long amount) => Apply(Move(NextId(), Funding, account, amount));

    /// <summary>Places a hold; returns its id.</summary>
    public LedgerId Hold(LedgerId from, LedgerId to, long amount, uint timeoutSeconds = 0) =>
        Apply(Move(NextId(), from, to, amount, TransferFlags.Pending) with { TimeoutSeconds = timeoutSeconds });

    /// <summary>Everything observable about the ledger, for "nothing changed" assertions.</summary>
    public (Account[] Accounts, TransferRecord[] Transfers) Snapshot() =>
        ([.. Ledger.Accounts.OrderBy(a => a.Id)], [.. Ledger.Transfers.OrderBy(t => t.Request.Id)]);

    public void AssertBalanced()
    {
        foreach (var (currency, totals) in Ledger.Totals())
        {
            Assert.True(totals.Balanced, $"{currency} is not balanced: {totals}");
        }
    }
}
