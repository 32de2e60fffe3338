using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// The background queue of charges to credit: bounded, drained at shutdown, and never the only copy of a charge
/// (what it refuses or drops is left to recovery; the ledger tests show recovery completing such charges).
/// </summary>
public sealed class ChargeCompleterTests
{
    [Fact]
    public async Task Draining_credits_every_charge_queued_before_it_even_those_queued_during_a_pass()
    {
        var completed = new List<string>();
        var firstPass = new TaskCompletionSource();
        var completer = new ChargeCompleter(
            async (charges, _) =>
            {
                lock (completed)
                {
                    completed.AddRange(charges.Select(c => c.Id));
                }

                firstPass.TrySetResult();
                await Task.Yield();
                return charges.Count;
            },
            (_, _) => Task.FromResult<ChargeDocument?>(null),
            NullLogger.Instance);

        Assert.True(completer.Enqueue(Charge("a")));
        await firstPass.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(completer.Enqueue(Charge("b")));
        Assert.True(completer.Enqueue(Charge("c")));
        await completer.DrainAsync(CancellationToken.None);

        Assert.Equal(["a", "b", "c"], completed.Order());
        Assert.False(completer.Enqueue(Charge("after")));
    }

    [Fact]
    public async Task A_full_queue_leaves_the_charge_to_recovery_instead_of_growing()
    {
        var release = new TaskCompletionSource();
        var passes = 0;
        var completer = new ChargeCompleter(
            async (charges, _) =>
            {
                Interlocked.Increment(ref passes);
                await release.Task;
                return charges.Count;
            },
            (_, _) => Task.FromResult<ChargeDocument?>(null),
            NullLogger.Instance,
            capacity: 2);

        Assert.True(completer.Enqueue(Charge("1")));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref passes) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        // The first pass holds "1"; the queue takes two more, then refuses.
        Assert.True(completer.Enqueue(Charge("2")));
        Assert.True(completer.Enqueue(Charge("3")));
        Assert.False(completer.Enqueue(Charge("4")));
        release.SetResult();
        await completer.DrainAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_charge_met_by_a_retry_is_looked_up_and_credited_only_while_still_owed()
    {
        var completed = new List<string>();
        var owed = Charge("owed");
        var completer = new ChargeCompleter(
            (charges, _) =>
            {
                completed.AddRange(charges.Select(c => c.Id));
                return Task.FromResult(charges.Count);
            },
            (transfer, _) => Task.FromResult(transfer.Id == owed.Request.Id ? owed : null),
            NullLogger.Instance);

        Assert.True(completer.EnqueueLookUp(owed.Request));
        Assert.True(completer.EnqueueLookUp(Charge("done").Request));
        await completer.DrainAsync(CancellationToken.None);

        Assert.Equal(["owed"], completed);
    }

    [Fact]
    public async Task A_look_up_that_fails_leaves_only_that_charge_to_recovery()
    {
        var completed = new List<string>();
        var throttled = Charge("throttled");
        var completer = new ChargeCompleter(
            (charges, _) =>
            {
                completed.AddRange(charges.Select(c => c.Id));
                return Task.FromResult(charges.Count);
            },
            (transfer, _) => transfer.Id == throttled.Request.Id ? throw new InvalidOperationException("429") : Task.FromResult<ChargeDocument?>(null),
            NullLogger.Instance);

        Assert.True(completer.Enqueue(Charge("known-1")));
        Assert.True(completer.EnqueueLookUp(throttled.Request));
        Assert.True(completer.Enqueue(Charge("known-2")));
        await completer.DrainAsync(CancellationToken.None);

        Assert.Equal(["known-1", "known-2"], completed.Order());
    }

    [Fact]
    public async Task A_failed_pass_is_left_to_recovery_and_later_charges_still_go_through()
    {
        var completed = new List<string>();
        var calls = 0;
        var completer = new ChargeCompleter(
            (charges, _) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    throw new InvalidOperationException("Cosmos DB is away");
                }

                completed.AddRange(charges.Select(c => c.Id));
                return Task.FromResult(charges.Count);
            },
            (_, _) => Task.FromResult<ChargeDocument?>(null),
            NullLogger.Instance);

        Assert.True(completer.Enqueue(Charge("lost-to-recovery")));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref calls) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(completer.Enqueue(Charge("next")));
        await completer.DrainAsync(CancellationToken.None);
        Assert.Equal(["next"], completed);
    }

    private static ChargeDocument Charge(string id)
    {
        var transfer = new Transfer
        {
            Id = LedgerId.Reserved("charge-test:" + id), DebitAccountId = LedgerId.FromName("w"), CreditAccountId = LedgerId.FromName("r"),
            Amount = 1, Currency = Currency.EUR,
        };
        return new ChargeDocument { Id = id, Pk = "w", Request = transfer, CreditPartition = "r" };
    }
}
