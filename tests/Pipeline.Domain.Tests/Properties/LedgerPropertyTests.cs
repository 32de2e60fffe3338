using Microsoft.Extensions.Time.Testing;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Domain.Tests.Properties;

/// <summary>
/// Thousands of random operation sequences against the ledger core. After every batch: per currency the debit
/// and credit sums are equal (posted and pending separately), no account breaks its limit, every account's
/// totals equal the fold of the transfers that touch it, and chains applied all or nothing. At the end, replaying
/// a prefix of the batches with the same ids changes nothing.
/// </summary>
public sealed class LedgerPropertyTests
{
    private const ulong Seed = 20_261_125;
    private const int Samples = 300;
    private const int MinimumOperations = 10_000;

    [Fact]
    public void Random_workloads_keep_every_ledger_invariant()
    {
        var operations = 0;
        SeededSample.Run(LedgerModel.Scenarios, Seed, Samples, scenario => operations += RunScenario(scenario));

        Assert.True(operations >= MinimumOperations, $"Only {operations} operations ran.");
    }

    private static int RunScenario(Scenario scenario)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var ledger = new Ledger(clock);
        foreach (var account in scenario.Accounts)
        {
            Assert.Equal(CreateAccountResult.Ok, ledger.CreateAccount(account));
        }

        var operations = 0;
        foreach (var step in scenario.Steps)
        {
            Transfer[] batch = [.. step.Batch.Select(raw => LedgerModel.ToTransfer(raw, scenario.Accounts))];
            var before = new HashSet<LedgerId>(ledger.Transfers.Select(t => t.Request.Id));
            var results = ledger.CreateTransfers(batch);
            operations += batch.Length;
            AssertAllOrNothing(ledger, batch, results, before);
            AssertInvariants(ledger);
            clock.Advance(TimeSpan.FromSeconds(step.AdvanceSeconds));
        }

        AssertReplayChangesNothing(ledger, scenario);
        return operations;
    }

    private static void AssertAllOrNothing(Ledger ledger, Transfer[] batch, TransferResult[] results, HashSet<LedgerId> before)
    {
        var applied = batch.Where((_, i) => results[i] == TransferResult.Ok).Select(t => t.Id).ToHashSet();
        for (var i = 0; i < batch.Length; i++)
        {
            var present = ledger.TryGetTransfer(batch[i].Id, out _);
            var expected = results[i].IsSuccess() || before.Contains(batch[i].Id) || applied.Contains(batch[i].Id);
            Assert.True(expected == present, $"Transfer {i} ({results[i]}) present={present}.");
        }
    }

    private static void AssertInvariants(Ledger ledger)
    {
        foreach (var (currency, totals) in ledger.Totals())
        {
            Assert.True(totals.Balanced, $"{currency}: {totals}");
        }

        var folded = FoldTransfers(ledger);
        foreach (var account in ledger.Accounts)
        {
            Assert.True(account.DebitsPending >= 0 && account.CreditsPending >= 0 && account.DebitsPosted >= 0 && account.CreditsPosted >= 0);
            if ((account.Flags & AccountFlags.DebitsMustNotExceedCredits) != 0)
            {
                Assert.True(account.DebitsPending + account.DebitsPosted - account.CreditsPosted <= account.LimitMinor, $"Overdrawn: {account}");
            }

            if ((account.Flags & AccountFlags.CreditsMustNotExceedDebits) != 0)
            {
                Assert.True(account.CreditsPending + account.CreditsPosted - account.DebitsPosted <= account.LimitMinor, $"Over limit: {account}");
            }

            folded.TryGetValue(account.Id, out var sums);
            Assert.Equal(sums, (account.DebitsPending, account.DebitsPosted, account.CreditsPending, account.CreditsPosted));
        }
    }

    /// <summary>Each account's four totals recomputed from the transfer records alone.</summary>
    private static Dictionary<LedgerId, (long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted)> FoldTransfers(Ledger ledger)
    {
        var sums = new Dictionary<LedgerId, (long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted)>();
        foreach (var record in ledger.Transfers)
        {
            var isHold = (record.Request.Flags & TransferFlags.Pending) != 0;
            var isVoid = (record.Request.Flags & TransferFlags.VoidPending) != 0;
            if (isVoid || (isHold && record.State != PendingState.Pending))
            {
                continue;
            }

            var debit = sums.GetValueOrDefault(record.DebitAccountId);
            sums[record.DebitAccountId] = isHold
                ? debit with { DebitsPending = debit.DebitsPending + record.AmountMinor }
                : debit with { DebitsPosted = debit.DebitsPosted + record.AmountMinor };
            var credit = sums.GetValueOrDefault(record.CreditAccountId);
            sums[record.CreditAccountId] = isHold
                ? credit with { CreditsPending = credit.CreditsPending + record.AmountMinor }
                : credit with { CreditsPosted = credit.CreditsPosted + record.AmountMinor };
        }

        return sums;
    }

    private static void AssertReplayChangesNothing(Ledger ledger, Scenario scenario)
    {
        ledger.ExpirePendingTransfers();
        var accountsBefore = ledger.Accounts.OrderBy(a => a.Id).ToArray();
        var transfersBefore = ledger.Transfers.OrderBy(t => t.Request.Id).ToArray();

        foreach (var step in scenario.Steps.Take(scenario.ReplayPrefix))
        {
            Transfer[] batch = [.. step.Batch.Select(raw => LedgerModel.ToTransfer(raw, scenario.Accounts))];
            Assert.DoesNotContain(TransferResult.Ok, ledger.CreateTransfers(batch));
        }

        Assert.Equal(accountsBefore, ledger.Accounts.OrderBy(a => a.Id));
        Assert.Equal(transfersBefore, ledger.Transfers.OrderBy(t => t.Request.Id));
    }
}
