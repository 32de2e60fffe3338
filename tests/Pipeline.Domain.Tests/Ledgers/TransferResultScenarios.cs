using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using static Pipeline.Domain.Tests.Ledgers.LedgerHarness;

namespace Pipeline.Domain.Tests.Ledgers;

/// <summary>
/// One scenario per transfer outcome: the arrange step runs, then the returned act must produce exactly that
/// outcome. A test checks that every <see cref="TransferResult"/> value has a scenario, so a new code cannot be
/// added without a test that reaches it.
/// </summary>
internal static class TransferResultScenarios
{
    public static readonly IReadOnlyDictionary<TransferResult, Func<LedgerHarness, Func<TransferResult>>> All =
        new Dictionary<TransferResult, Func<LedgerHarness, Func<TransferResult>>>
        {
            [TransferResult.Ok] = h => Act(h, Move(h.NextId(), Funding, Wallet, 100)),
            [TransferResult.Exists] = h => Replay(h, Move(h.NextId(), Funding, Wallet, 100), t => t),
            [TransferResult.IdAlreadyFailed] = h =>
            {
                var rejected = Move(h.NextId(), Wallet, Wallet2, 100);
                Assert.Equal(TransferResult.InsufficientFunds, h.Ledger.CreateTransfer(rejected));
                h.Fund(Wallet, 1_000);
                return Act(h, rejected);
            },
            [TransferResult.LinkedEventFailed] = h => () => h.Ledger.CreateTransfers(
                [Move(h.NextId(), Funding, Wallet, 10, TransferFlags.Linked), Move(h.NextId(), Wallet2, Wallet, 10)])[0],
            [TransferResult.LinkedEventChainOpen] = h => () => h.Ledger.CreateTransfers(
                [Move(h.NextId(), Funding, Wallet, 10, TransferFlags.Linked)])[0],
            [TransferResult.IdMustNotBeZero] = h => Act(h, Move(LedgerId.None, Funding, Wallet, 1)),
            [TransferResult.IdIsReserved] = h => Act(h, Move(LedgerId.Reserved("system:charge"), Funding, Wallet, 1)),
            [TransferResult.FlagsAreMutuallyExclusive] = h =>
                Act(h, Move(h.NextId(), Funding, Wallet, 1, TransferFlags.Pending | TransferFlags.VoidPending)),
            [TransferResult.DebitAccountIdMustNotBeZero] = h => Act(h, Move(h.NextId(), LedgerId.None, Wallet, 1)),
            [TransferResult.CreditAccountIdMustNotBeZero] = h => Act(h, Move(h.NextId(), Funding, LedgerId.None, 1)),
            [TransferResult.AccountsMustBeDifferent] = h => Act(h, Move(h.NextId(), Funding, Funding, 1)),
            [TransferResult.PendingIdMustBeZero] = h => Act(h, Move(h.NextId(), Funding, Wallet, 1) with { PendingId = Id("p") }),
            [TransferResult.PendingIdMustNotBeZero] = h => Act(h, Post(h.NextId(), LedgerId.None)),
            [TransferResult.PendingIdMustBeDifferent] = h => Act(h, Post(Id("self"), Id("self"))),
            [TransferResult.TimeoutReservedForPendingTransfer] = h =>
                Act(h, Move(h.NextId(), Funding, Wallet, 1) with { TimeoutSeconds = 60 }),
            [TransferResult.AmountMustBePositive] = h => Act(h, Move(h.NextId(), Funding, Wallet, 0)),
            [TransferResult.CurrencyMustBeKnown] = h => Act(h, Move(h.NextId(), Funding, Wallet, 1) with { Currency = default }),
            [TransferResult.DebitAccountNotFound] = h => Act(h, Move(h.NextId(), Missing, Wallet, 1)),
            [TransferResult.CreditAccountNotFound] = h => Act(h, Move(h.NextId(), Funding, Missing, 1)),
            [TransferResult.AccountsMustHaveTheSameCurrency] = h => Act(h, Move(h.NextId(), Funding, Usd, 1)),
            [TransferResult.TransferMustHaveTheSameCurrencyAsAccounts] = h => Act(h, Move(h.NextId(), UsdFunding, Usd, 1)),
            [TransferResult.DebitAccountClosed] = h => Act(h, Move(h.NextId(), Closed, Wallet, 1)),
            [TransferResult.CreditAccountClosed] = h => Act(h, Move(h.NextId(), Funding, Closed, 1)),
            [TransferResult.PendingTransferNotFound] = h => Act(h, Post(h.NextId(), Missing)),
            [TransferResult.PendingTransferNotPending] = h => Act(h, Post(h.NextId(), h.Apply(Move(h.NextId(), Funding, Wallet, 5)))),
            [TransferResult.PendingTransferHasDifferentDebitAccountId] = h =>
                Act(h, Post(h.NextId(), h.Hold(Funding, Wallet, 50)) with { DebitAccountId = Wallet2 }),
            [TransferResult.PendingTransferHasDifferentCreditAccountId] = h =>
                Act(h, Post(h.NextId(), h.Hold(Funding, Wallet, 50)) with { CreditAccountId = Wallet2 }),
            [TransferResult.PendingTransferHasDifferentCurrency] = h =>
                Act(h, Post(h.NextId(), h.Hold(Funding, Wallet, 50)) with { Currency = Currency.USD }),
            [TransferResult.PendingTransferHasDifferentAmount] = h =>
                Act(h, Void(h.NextId(), h.Hold(Funding, Wallet, 50)) with { Amount = 49 }),
            [TransferResult.ExceedsPendingTransferAmount] = h => Act(h, Post(h.NextId(), h.Hold(Funding, Wallet, 50), 51)),
            [TransferResult.PendingTransferAlreadyPosted] = h => Resolved(h, hold => Post(h.NextId(), hold)),
            [TransferResult.PendingTransferAlreadyVoided] = h => Resolved(h, hold => Void(h.NextId(), hold)),
            [TransferResult.PendingTransferExpired] = h =>
            {
                var hold = h.Hold(Funding, Wallet, 50, timeoutSeconds: 60);
                h.Clock.Advance(TimeSpan.FromSeconds(60));
                Assert.Equal(1, h.Ledger.ExpirePendingTransfers());
                return Act(h, Post(h.NextId(), hold));
            },
            [TransferResult.ExistsWithDifferentFlags] = h => Replay(h, Move(h.NextId(), Funding, Wallet, 9), t => t with { Flags = TransferFlags.Pending }),
            [TransferResult.ExistsWithDifferentDebitAccountId] = h => Replay(h, Move(h.NextId(), Funding, Wallet, 9), t => t with { DebitAccountId = Overdraft }),
            [TransferResult.ExistsWithDifferentCreditAccountId] = h => Replay(h, Move(h.NextId(), Funding, Wallet, 9), t => t with { CreditAccountId = Wallet2 }),
            [TransferResult.ExistsWithDifferentAmount] = h => Replay(h, Move(h.NextId(), Funding, Wallet, 9), t => t with { Amount = 10 }),
            [TransferResult.ExistsWithDifferentCurrency] = h => Replay(h, Move(h.NextId(), Funding, Wallet, 9), t => t with { Currency = Currency.USD }),
            [TransferResult.ExistsWithDifferentPendingId] = h => Replay(h, Post(h.NextId(), h.Hold(Funding, Wallet, 9)), t => t with { PendingId = Id("other") }),
            [TransferResult.ExistsWithDifferentTimeout] = h => Replay(h, Move(h.NextId(), Funding, Wallet, 9, TransferFlags.Pending), t => t with { TimeoutSeconds = 5 }),
            [TransferResult.ExistsWithDifferentCode] = h => Replay(h, Move(h.NextId(), Funding, Wallet, 9), t => t with { Code = 7 }),
            [TransferResult.OverflowsDebits] = h =>
            {
                h.Apply(Move(h.NextId(), Funding, Wallet, long.MaxValue));
                return Act(h, Move(h.NextId(), Funding, Wallet2, 1));
            },
            [TransferResult.OverflowsCredits] = h =>
            {
                h.Apply(Move(h.NextId(), Funding, Wallet, long.MaxValue));
                return Act(h, Move(h.NextId(), Overdraft, Wallet, 1));
            },
            [TransferResult.InsufficientFunds] = h => Act(h, Move(h.NextId(), Wallet, Wallet2, 1)),
            [TransferResult.ExceedsDebits] = h => Act(h, Move(h.NextId(), Funding, Capped, 1_001)),
        };

    private static Func<TransferResult> Act(LedgerHarness h, Transfer transfer) => () => h.Ledger.CreateTransfer(transfer);

    private static Func<TransferResult> Replay(LedgerHarness h, Transfer original, Func<Transfer, Transfer> change)
    {
        h.Apply(original);
        return Act(h, change(original));
    }

    private static Func<TransferResult> Resolved(LedgerHarness h, Func<LedgerId, Transfer> resolve)
    {
        var hold = h.Hold(Funding, Wallet, 50);
        h.Apply(resolve(hold));
        return Act(h, Post(h.NextId(), hold));
    }
}
