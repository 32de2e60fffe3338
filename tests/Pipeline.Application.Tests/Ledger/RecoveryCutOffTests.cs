using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using static Pipeline.Application.Tests.Ledger.ReviewLedger;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>Behaviour the façade refactor (935b8a9) changed, replayed against the emulator.</summary>
[Collection(CosmosCollection.Name)]
public sealed class RecoveryCutOffTests(CosmosFixture cosmos)
{
    private static readonly ReviewLedger Books = new("facade");
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Before the refactor RecoverAsync read the clock once per phase: the close attempts' cut-off was taken after the
    /// charges, transfers and chains had been driven (old CosmosLedgerStore.Recovery.cs:42). LedgerRecovery reads it once,
    /// at the start, for every phase. A close attempt that became older than the grace period while the pass was driving
    /// a transfer was undone by the same pass before; now it is left for the next pass.
    /// </summary>
    [Fact]
    public async Task A_close_that_ages_past_the_grace_during_a_recovery_pass_is_undone_by_that_pass()
    {
        var database = await Books.SetUpAsync(cosmos, clock);
        var hot = LedgerId.FromName("facade:hot");
        Assert.Equal(CreateAccountResult.Ok, await new CosmosLedgerStore(database, clock).CreateAccountAsync(new NewAccount(hot, Currency.EUR), creditShards: 2));

        // T0: a transfer whose writer died right after recording it (in flight).
        var stuck = LedgerId.FromName("facade:stuck");
        var crash = new CrashFaults(LedgerStep.TransferRecorded, stuck);
        await Assert.ThrowsAsync<SimulatedCrashException>(() =>
            new CosmosLedgerStore(database, clock, crash).CreateTransferAsync(Move(stuck, Books.WalletA, Books.Merchant, 10)));

        // T0+1m: a close attempt that closes shard 1 and stands still before its decision (its closer hangs).
        clock.Advance(TimeSpan.FromMinutes(1));
        var gate = new GateFaults().At(LedgerStep.ShardClosed, hot);
        var closing = new CosmosLedgerStore(database, clock, gate).CloseAccountAsync(hot);
        await gate.ReachedAsync(LedgerStep.ShardClosed, hot);

        // T0+2m: recovery with a grace of 90 s. The stuck transfer is past it, the close (T0+1m) not yet; driving the
        // transfer takes a minute (the clock moves on while its debit is applied), so by the time close attempts are
        // looked for it is T0+3m and the close attempt is 2 minutes old, past the grace.
        clock.Advance(TimeSpan.FromMinutes(1));
        var slow = new InterleavingFaults(LedgerStep.DebitApplied, stuck, () =>
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            return Task.CompletedTask;
        });
        var recovered = await new CosmosLedgerStore(database, clock, slow).RecoverAsync(TimeSpan.FromSeconds(90));
        var main = await database.GetContainer(LedgerContainers.Accounts)
            .ReadOrNullAsync<AccountDocument>(AccountDocument.DocumentId, LedgerKeys.AccountPartition(hot, 0), CancellationToken.None);

        gate.Release(LedgerStep.ShardClosed, hot);
        await closing;

        // Before the refactor: the transfer driven and the close undone (2), main no longer names the attempt.
        Assert.Equal((2, (string?)null), (recovered, main!.ClosingBy));
    }
}
