using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using static Pipeline.Domain.Tests.Ledgers.LedgerHarness;

namespace Pipeline.Domain.Tests.Ledgers;

public sealed class AccountTests
{
    private static readonly NewAccount Spec = new(Id("new"), Currency.EUR, NormalBalance.Credit, AccountFlags.DebitsMustNotExceedCredits, 100, 3);

    public static TheoryData<string, NewAccount, CreateAccountResult> Invalid() => new()
    {
        { "zero id", Spec with { Id = LedgerId.None }, CreateAccountResult.IdMustNotBeZero },
        { "no currency", Spec with { Currency = default }, CreateAccountResult.CurrencyMustBeKnown },
        { "both flags", Spec with { Flags = AccountFlags.DebitsMustNotExceedCredits | AccountFlags.CreditsMustNotExceedDebits }, CreateAccountResult.FlagsAreMutuallyExclusive },
        { "negative limit", Spec with { LimitMinor = -1 }, CreateAccountResult.LimitMustNotBeNegative },
        { "limit without flag", Spec with { Flags = AccountFlags.None }, CreateAccountResult.LimitRequiresABalanceFlag },
    };

    public static TheoryData<string, NewAccount, CreateAccountResult> Resubmitted() => new()
    {
        { "same", Spec, CreateAccountResult.Exists },
        { "currency", Spec with { Currency = Currency.USD }, CreateAccountResult.ExistsWithDifferentCurrency },
        { "normal balance", Spec with { NormalBalance = NormalBalance.Debit }, CreateAccountResult.ExistsWithDifferentNormalBalance },
        { "flags", Spec with { Flags = AccountFlags.CreditsMustNotExceedDebits }, CreateAccountResult.ExistsWithDifferentFlags },
        { "limit", Spec with { LimitMinor = 5 }, CreateAccountResult.ExistsWithDifferentLimit },
        { "code", Spec with { Code = 4 }, CreateAccountResult.ExistsWithDifferentCode },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_accounts_are_refused(string why, NewAccount spec, CreateAccountResult expected)
    {
        var h = new LedgerHarness();
        var count = h.Ledger.AccountCount;

        Assert.True(expected == h.Ledger.CreateAccount(spec), why);
        Assert.Equal(count, h.Ledger.AccountCount);
    }

    [Theory]
    [MemberData(nameof(Resubmitted))]
    public void Opening_an_existing_id_compares_every_field(string why, NewAccount spec, CreateAccountResult expected)
    {
        var h = new LedgerHarness();
        h.Open(Spec);
        var before = h[Spec.Id];

        Assert.True(expected == h.Ledger.CreateAccount(spec), why);
        Assert.Equal(before, h[Spec.Id]);
    }

    [Fact]
    public void An_overdraft_limit_lets_debits_exceed_credits_by_the_limit_and_no_more()
    {
        var h = new LedgerHarness();
        h.Fund(Overdraft, 100);

        Assert.Equal(TransferResult.InsufficientFunds, h.Ledger.CreateTransfer(Move(h.NextId(), Overdraft, Wallet, 601)));
        h.Apply(Move(h.NextId(), Overdraft, Wallet, 600));
        Assert.Equal(-500, h[Overdraft].PostedMinor);
        Assert.Equal(TransferResult.InsufficientFunds, h.Ledger.CreateTransfer(Move(h.NextId(), Overdraft, Wallet, 1)));
    }

    [Fact]
    public void Closing_requires_no_holds_and_then_refuses_transfers_both_ways()
    {
        var h = new LedgerHarness();
        h.Fund(Wallet, 100);
        var hold = h.Hold(Wallet, Wallet2, 10);

        Assert.Equal(CloseAccountResult.AccountHasPendingTransfers, h.Ledger.CloseAccount(Wallet));
        h.Apply(Void(h.NextId(), hold));
        Assert.Equal(CloseAccountResult.Ok, h.Ledger.CloseAccount(Wallet));
        Assert.Equal(CloseAccountResult.AccountAlreadyClosed, h.Ledger.CloseAccount(Wallet));
        Assert.Equal(CloseAccountResult.AccountNotFound, h.Ledger.CloseAccount(Missing));
        Assert.Equal(TransferResult.DebitAccountClosed, h.Ledger.CreateTransfer(Move(h.NextId(), Wallet, Wallet2, 1)));
        Assert.Equal(TransferResult.CreditAccountClosed, h.Ledger.CreateTransfer(Move(h.NextId(), Funding, Wallet, 1)));
    }

    [Fact]
    public void Balances_of_a_debit_normal_account_grow_with_debits()
    {
        var h = new LedgerHarness();
        h.Fund(Wallet, 250);
        h.Hold(Wallet, Funding, 1);

        Assert.Equal(250, h[Funding].PostedMinor);
        Assert.Equal(1, h[Funding].PendingOutMinor);
        Assert.Equal(0, h[Funding].PendingInMinor);
    }
}
