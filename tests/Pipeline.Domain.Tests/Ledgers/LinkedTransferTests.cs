using Pipeline.Domain.Ledgers;
using static Pipeline.Domain.Tests.Ledgers.LedgerHarness;

namespace Pipeline.Domain.Tests.Ledgers;

public sealed class LinkedTransferTests
{
    private readonly LedgerHarness h = new();

    [Fact]
    public void A_chain_applies_every_link()
    {
        h.Fund(Wallet, 1_000);
        var results = h.Ledger.CreateTransfers(
        [
            Move(h.NextId(), Wallet, Wallet2, 970, TransferFlags.Linked),
            Move(h.NextId(), Wallet2, Overdraft, 30),
        ]);

        Assert.Equal([TransferResult.Ok, TransferResult.Ok], results);
        Assert.Equal(30, h[Wallet].PostedMinor);
        Assert.Equal(940, h[Wallet2].PostedMinor);
        Assert.Equal(30, h[Overdraft].PostedMinor);
    }

    [Fact]
    public void A_failing_link_rolls_back_the_links_before_it_and_names_itself()
    {
        h.Fund(Wallet, 100);
        var before = h.Snapshot();
        var hold = h.NextId();

        var results = h.Ledger.CreateTransfers(
        [
            Move(hold, Wallet, Wallet2, 60, TransferFlags.Linked | TransferFlags.Pending),
            Post(h.NextId(), hold, 60) with { Flags = TransferFlags.PostPending | TransferFlags.Linked },
            Move(h.NextId(), Wallet, Overdraft, 41),
        ]);

        Assert.Equal([TransferResult.LinkedEventFailed, TransferResult.LinkedEventFailed, TransferResult.InsufficientFunds], results);
        var after = h.Snapshot();
        Assert.Equal(before.Accounts, after.Accounts);
        Assert.Equal(before.Transfers, after.Transfers);
    }

    [Fact]
    public void Chains_in_one_batch_are_independent()
    {
        h.Fund(Wallet, 100);
        var results = h.Ledger.CreateTransfers(
        [
            Move(h.NextId(), Wallet, Wallet2, 10, TransferFlags.Linked),
            Move(h.NextId(), Wallet, Wallet2, 500),
            Move(h.NextId(), Wallet, Wallet2, 20),
            Move(h.NextId(), Wallet, Wallet2, 30, TransferFlags.Linked),
            Move(h.NextId(), Wallet2, Overdraft, 5),
        ]);

        Assert.Equal(
            [TransferResult.LinkedEventFailed, TransferResult.InsufficientFunds, TransferResult.Ok, TransferResult.Ok, TransferResult.Ok],
            results);
        Assert.Equal(50, h[Wallet].PostedMinor);
        h.AssertBalanced();
    }

    [Fact]
    public void An_open_chain_at_the_end_of_the_batch_fails_alone()
    {
        var results = h.Ledger.CreateTransfers(
        [
            Move(h.NextId(), Funding, Wallet, 10),
            Move(h.NextId(), Funding, Wallet, 20, TransferFlags.Linked),
            Move(h.NextId(), Funding, Wallet, 30, TransferFlags.Linked),
        ]);

        Assert.Equal([TransferResult.Ok, TransferResult.LinkedEventFailed, TransferResult.LinkedEventChainOpen], results);
        Assert.Equal(10, h[Wallet].PostedMinor);
        Assert.Equal(TransferResult.LinkedEventChainOpen,
            h.Ledger.CreateTransfer(Move(h.NextId(), Funding, Wallet, 1, TransferFlags.Linked)));
    }

    [Fact]
    public void Replaying_an_applied_chain_is_exists_for_every_link()
    {
        var chain = new[]
        {
            Move(h.NextId(), Funding, Wallet, 10, TransferFlags.Linked),
            Move(h.NextId(), Wallet, Wallet2, 10),
        };
        h.Ledger.CreateTransfers(chain);
        var before = h.Snapshot();

        Assert.Equal([TransferResult.Exists, TransferResult.Exists], h.Ledger.CreateTransfers(chain));
        Assert.Equal(before.Accounts, h.Snapshot().Accounts);
    }

    [Fact]
    public void Replaying_a_failed_chain_fails_the_same_way_even_after_funds_arrive()
    {
        var chain = new[]
        {
            Move(h.NextId(), Wallet, Wallet2, 10, TransferFlags.Linked),
            Move(h.NextId(), Funding, Overdraft, 10),
        };
        h.Ledger.CreateTransfers(chain);
        h.Fund(Wallet, 100);

        Assert.Equal([TransferResult.IdAlreadyFailed, TransferResult.LinkedEventFailed], h.Ledger.CreateTransfers(chain));
        Assert.Equal(100, h[Wallet].PostedMinor);
    }

    [Fact]
    public void Links_that_failed_only_because_of_another_link_may_be_retried()
    {
        var innocent = Move(h.NextId(), Funding, Wallet2, 10, TransferFlags.Linked);
        h.Ledger.CreateTransfers([innocent, Move(h.NextId(), Wallet, Overdraft, 10)]);

        Assert.Equal(TransferResult.Ok, h.Ledger.CreateTransfer(innocent with { Flags = TransferFlags.None }));
    }

    [Fact]
    public void Results_must_have_room_for_every_transfer()
    {
        var batch = new[] { Move(h.NextId(), Funding, Wallet, 1) };
        Assert.Throws<ArgumentException>(() => h.Ledger.CreateTransfers(batch, Span<TransferResult>.Empty));
    }
}
