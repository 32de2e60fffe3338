using Pipeline.Domain.Ledgers;
using static Pipeline.Domain.Tests.Ledgers.LedgerHarness;

namespace Pipeline.Domain.Tests.Ledgers;

public sealed class TwoPhaseTransferTests
{
    private readonly LedgerHarness h = new();

    public TwoPhaseTransferTests() => h.Fund(Wallet, 1_000);

    [Fact]
    public void A_hold_reserves_the_amount_without_posting_it()
    {
        h.Hold(Wallet, Wallet2, 300);

        Assert.Equal(1_000, h[Wallet].PostedMinor);
        Assert.Equal(300, h[Wallet].PendingOutMinor);
        Assert.Equal(700, h[Wallet].AvailableMinor);
        Assert.Equal(300, h[Wallet2].PendingInMinor);
        Assert.Equal(0, h[Wallet2].AvailableMinor);
        h.AssertBalanced();
    }

    [Fact]
    public void Holds_count_against_the_no_overdraft_limit()
    {
        h.Hold(Wallet, Wallet2, 800);

        Assert.Equal(TransferResult.InsufficientFunds, h.Ledger.CreateTransfer(Move(h.NextId(), Wallet, Wallet2, 201)));
        Assert.Equal(TransferResult.Ok, h.Ledger.CreateTransfer(Move(h.NextId(), Wallet, Wallet2, 200)));
    }

    [Fact]
    public void Posting_part_of_a_hold_releases_the_rest()
    {
        var hold = h.Hold(Wallet, Wallet2, 300);
        var post = h.Apply(Post(h.NextId(), hold, 120));

        Assert.Equal(880, h[Wallet].PostedMinor);
        Assert.Equal(0, h[Wallet].PendingOutMinor);
        Assert.Equal(120, h[Wallet2].PostedMinor);
        Assert.True(h.Ledger.TryGetTransfer(hold, out var held));
        Assert.Equal(PendingState.Posted, held.State);
        Assert.True(h.Ledger.TryGetTransfer(post, out var posted));
        Assert.Equal(120, posted.AmountMinor);
        Assert.Equal(Wallet, posted.DebitAccountId);
        h.AssertBalanced();
    }

    [Fact]
    public void Posting_the_amount_of_pending_posts_all_of_it()
    {
        var hold = h.Hold(Wallet, Wallet2, 300);
        h.Apply(Post(h.NextId(), hold));

        Assert.Equal(700, h[Wallet].PostedMinor);
        Assert.Equal(300, h[Wallet2].PostedMinor);
    }

    [Fact]
    public void A_void_releases_everything_and_moves_nothing()
    {
        var hold = h.Hold(Wallet, Wallet2, 300);
        h.Apply(Void(h.NextId(), hold));

        Assert.Equal(1_000, h[Wallet].AvailableMinor);
        Assert.Equal(0, h[Wallet2].PostedMinor);
        Assert.Equal(TransferResult.PendingTransferAlreadyVoided, h.Ledger.CreateTransfer(Void(h.NextId(), hold)));
        h.AssertBalanced();
    }

    [Fact]
    public void A_posted_hold_cannot_be_voided_and_a_voided_one_cannot_be_posted()
    {
        var posted = h.Hold(Wallet, Wallet2, 100);
        h.Apply(Post(h.NextId(), posted, 50));
        var voided = h.Hold(Wallet, Wallet2, 100);
        h.Apply(Void(h.NextId(), voided));

        Assert.Equal(TransferResult.PendingTransferAlreadyPosted, h.Ledger.CreateTransfer(Void(h.NextId(), posted)));
        Assert.Equal(TransferResult.PendingTransferAlreadyVoided, h.Ledger.CreateTransfer(Post(h.NextId(), voided)));
    }

    [Fact]
    public void A_hold_expires_at_its_timeout_and_not_a_tick_before()
    {
        var hold = h.Hold(Wallet, Wallet2, 400, timeoutSeconds: 3_600);

        h.Clock.Advance(TimeSpan.FromSeconds(3_600) - TimeSpan.FromTicks(1));
        Assert.Equal(0, h.Ledger.ExpirePendingTransfers());
        Assert.Equal(400, h[Wallet].PendingOutMinor);

        h.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(TransferResult.PendingTransferExpired, h.Ledger.CreateTransfer(Post(h.NextId(), hold)));
        Assert.Equal(1_000, h[Wallet].AvailableMinor);
        Assert.True(h.Ledger.TryGetTransfer(hold, out var expired));
        Assert.Equal(PendingState.Expired, expired.State);
        h.AssertBalanced();
    }

    [Fact]
    public void Posting_before_the_timeout_wins_and_the_expiry_then_does_nothing()
    {
        var hold = h.Hold(Wallet, Wallet2, 400, timeoutSeconds: 60);
        h.Apply(Post(h.NextId(), hold, 100));

        h.Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(0, h.Ledger.ExpirePendingTransfers());
        Assert.Equal(900, h[Wallet].PostedMinor);
        Assert.Equal(0, h[Wallet].PendingOutMinor);
    }

    [Fact]
    public void Resubmitting_a_post_is_exists_even_after_the_hold_was_resolved()
    {
        var hold = h.Hold(Wallet, Wallet2, 100);
        var post = Post(h.NextId(), hold, 60);
        h.Apply(post);

        Assert.Equal(TransferResult.Exists, h.Ledger.CreateTransfer(post));
        Assert.Equal(60, h[Wallet2].PostedMinor);
    }

    [Fact]
    public void Next_expiry_names_the_earliest_timeout()
    {
        Assert.Null(h.Ledger.NextExpiry);
        h.Hold(Wallet, Wallet2, 1, timeoutSeconds: 90);
        h.Hold(Wallet, Wallet2, 1, timeoutSeconds: 30);

        Assert.Equal(h.Clock.GetUtcNow().AddSeconds(30), h.Ledger.NextExpiry!.Value, TimeSpan.FromMilliseconds(1));
    }
}
