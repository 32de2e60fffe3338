using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// The behaviour every ledger store must share with the core: the same results for the same requests. Runs
/// against the in-memory store (the core) and the Cosmos DB store on the emulator.
/// </summary>
public abstract class LedgerStoreContract : IAsyncLifetime
{
    protected static readonly LedgerId Funding = LedgerId.FromName("funding");
    protected static readonly LedgerId Wallet = LedgerId.FromName("wallet");
    protected static readonly LedgerId Wallet2 = LedgerId.FromName("wallet2");
    protected static readonly LedgerId Capped = LedgerId.FromName("capped");
    protected static readonly LedgerId Usd = LedgerId.FromName("usd");

    private int nextId;

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    protected ILedgerStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync(Clock);
        await Open(new NewAccount(Funding, Currency.EUR, NormalBalance.Debit));
        await Open(new NewAccount(Wallet, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits));
        await Open(new NewAccount(Wallet2, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits));
        await Open(new NewAccount(Capped, Currency.EUR, NormalBalance.Debit, AccountFlags.CreditsMustNotExceedDebits, 1_000));
        await Open(new NewAccount(Usd, Currency.USD));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<ILedgerStore> CreateStoreAsync(TimeProvider time);

    protected async Task Open(NewAccount spec, int shards = 1) =>
        Assert.Equal(CreateAccountResult.Ok, await Store.CreateAccountAsync(spec, shards));

    protected LedgerId NextId() => LedgerId.FromName($"{GetType().Name}-{++nextId}-{Guid.NewGuid()}");

    protected static Transfer Move(LedgerId id, LedgerId from, LedgerId to, long amount, TransferFlags flags = TransferFlags.None) =>
        new() { Id = id, DebitAccountId = from, CreditAccountId = to, Amount = amount, Currency = Currency.EUR, Flags = flags };

    protected static Transfer Post(LedgerId id, LedgerId hold, long amount = Transfer.AmountOfPending) =>
        new() { Id = id, PendingId = hold, Amount = amount, Flags = TransferFlags.PostPending };

    protected async Task<LedgerId> Apply(Transfer transfer)
    {
        Assert.Equal(TransferResult.Ok, await Store.CreateTransferAsync(transfer));
        return transfer.Id;
    }

    /// <summary>A new id for a charge: reserved, as every charge's must be.</summary>
    protected LedgerId NextChargeId() => LedgerId.Reserved("charge:" + NextId());

    protected Task<LedgerId> Fund(LedgerId account, long amount) => Apply(Move(NextId(), Funding, account, amount));

    protected async Task<Account> AccountOf(LedgerId id) => await Store.GetAccountAsync(id) ?? throw new KeyNotFoundException();

    protected async Task AssertBalanced()
    {
        var audit = await Store.AuditAsync();
        Assert.True(audit.Balanced, string.Join("; ", audit.Currencies.Select(c => $"{c.Key}: {c.Value}")));
    }

    [Fact]
    public async Task Accounts_open_once_and_compare_on_resubmission()
    {
        var spec = new NewAccount(NextId(), Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits, LimitMinor: 50);
        Assert.Equal(CreateAccountResult.Ok, await Store.CreateAccountAsync(spec));
        Assert.Equal(CreateAccountResult.Exists, await Store.CreateAccountAsync(spec));
        Assert.Equal(CreateAccountResult.ExistsWithDifferentLimit, await Store.CreateAccountAsync(spec with { LimitMinor = 5 }));
        Assert.Equal(CreateAccountResult.LimitRequiresABalanceFlag, await Store.CreateAccountAsync(spec with { Id = NextId(), Flags = AccountFlags.None }));
        Assert.Null(await Store.GetAccountAsync(NextId()));
    }

    [Fact]
    public async Task A_transfer_moves_money_once_and_a_resubmission_is_exists()
    {
        var transfer = Move(NextId(), Funding, Wallet, 1_000);
        Assert.Equal(TransferResult.Ok, await Store.CreateTransferAsync(transfer));
        Assert.Equal(TransferResult.Exists, await Store.CreateTransferAsync(transfer));
        Assert.Equal(TransferResult.ExistsWithDifferentAmount, await Store.CreateTransferAsync(transfer with { Amount = 999 }));
        Assert.Equal(TransferResult.ExistsWithDifferentCreditAccountId, await Store.CreateTransferAsync(transfer with { CreditAccountId = Wallet2 }));

        Assert.Equal(1_000, (await AccountOf(Wallet)).PostedMinor);
        Assert.Equal(1_000, (await AccountOf(Funding)).PostedMinor);
        var record = await Store.GetTransferAsync(transfer.Id);
        Assert.Equal(1_000, record!.Value.AmountMinor);
        Assert.Null(await Store.GetFailureAsync(transfer.Id));
        await AssertBalanced();
    }

    [Fact]
    public async Task Refusals_change_nothing_and_decide_the_id()
    {
        var overdraw = Move(NextId(), Wallet, Wallet2, 1);
        Assert.Equal(TransferResult.InsufficientFunds, await Store.CreateTransferAsync(overdraw));
        await Fund(Wallet, 100);
        Assert.Equal(TransferResult.IdAlreadyFailed, await Store.CreateTransferAsync(overdraw));
        Assert.Equal(TransferResult.InsufficientFunds, await Store.GetFailureAsync(overdraw.Id));
        Assert.Null(await Store.GetFailureAsync(NextId()));

        Assert.Equal(TransferResult.AccountsMustHaveTheSameCurrency, await Store.CreateTransferAsync(Move(NextId(), Funding, Usd, 1)));
        Assert.Equal(TransferResult.CreditAccountNotFound, await Store.CreateTransferAsync(Move(NextId(), Funding, NextId(), 1)));
        Assert.Equal(TransferResult.DebitAccountNotFound, await Store.CreateTransferAsync(Move(NextId(), NextId(), Wallet, 1)));
        Assert.Equal(TransferResult.AmountMustBePositive, await Store.CreateTransferAsync(Move(NextId(), Funding, Wallet, 0)));
        Assert.Equal(TransferResult.ExceedsDebits, await Store.CreateTransferAsync(Move(NextId(), Funding, Capped, 1_001)));
        Assert.Equal(TransferResult.IdMustNotBeZero, await Store.CreateTransferAsync(Move(LedgerId.None, Funding, Wallet, 1)));
        Assert.Equal(TransferResult.LinkedEventChainOpen, await Store.CreateTransferAsync(Move(NextId(), Funding, Wallet, 1, TransferFlags.Linked)));

        Assert.Equal(100, (await AccountOf(Wallet)).PostedMinor);
        Assert.Equal(0, (await AccountOf(Wallet2)).PostedMinor);
        Assert.Equal(0, (await AccountOf(Capped)).PostedMinor);
        await AssertBalanced();
    }

    [Fact]
    public async Task Transfer_requests_may_not_use_a_reserved_id_and_a_charge_must()
    {
        await Fund(Wallet, 1_000);
        var reserved = LedgerId.Reserved("contract:charge");
        Assert.True(reserved.IsReserved);
        Assert.False(LedgerId.FromName("contract:charge").IsReserved);

        Assert.Equal(TransferResult.IdIsReserved, await Store.CreateTransferAsync(Move(reserved, Wallet, Wallet2, 1)));
        Assert.Equal([TransferResult.IdIsReserved, TransferResult.LinkedEventFailed],
            await Store.CreateTransfersAsync([Move(reserved, Wallet, Wallet2, 1) with { Flags = TransferFlags.Linked }, Move(NextId(), Wallet, Wallet2, 1)]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ChargeAsync(Move(NextId(), Wallet, Wallet2, 300), null)); // a charge's id is reserved
        Assert.Equal(TransferResult.Ok, await Store.ChargeAsync(Move(reserved, Wallet, Wallet2, 300), null));
        Assert.Equal(TransferResult.IdIsReserved, await Store.CreateTransferAsync(Move(reserved, Wallet, Wallet2, 300)));
        Assert.Equal(700, (await AccountOf(Wallet)).PostedMinor);
        await AssertBalanced();
    }

    [Fact]
    public async Task A_charge_moves_money_once_and_a_resubmission_is_exists()
    {
        await Fund(Wallet, 1_000);
        var charge = Move(NextChargeId(), Wallet, Wallet2, 400);
        Assert.Equal(TransferResult.Ok, await Store.ChargeAsync(charge, null));
        Assert.Equal(600, (await AccountOf(Wallet)).PostedMinor);
        await AssertBalanced();

        Store.CompleteCharge(charge);
        await Store.SettleChargeAsync(charge);
        Assert.Equal(400, (await AccountOf(Wallet2)).PostedMinor);
        Assert.Equal(400, (await Store.GetTransferAsync(charge.Id))!.Value.AmountMinor);
        Assert.Equal(TransferResult.Exists, await Store.ChargeAsync(charge, null));
        Assert.Equal(TransferResult.ExistsWithDifferentAmount, await Store.ChargeAsync(charge with { Amount = 399 }, null));
        await Store.SettleChargeAsync(charge);
        Assert.Equal(600, (await AccountOf(Wallet)).PostedMinor);
        Assert.Equal(400, (await AccountOf(Wallet2)).PostedMinor);
        await AssertBalanced();
    }

    [Fact]
    public async Task A_refused_charge_changes_nothing_and_answers_its_refusal_again()
    {
        var charge = Move(NextChargeId(), Wallet, Wallet2, 1);
        Assert.Equal(TransferResult.InsufficientFunds, await Store.ChargeAsync(charge, null));
        await Fund(Wallet, 100);
        Assert.Equal(TransferResult.InsufficientFunds, await Store.ChargeAsync(charge, null));
        Assert.Equal(TransferResult.AccountsMustHaveTheSameCurrency, await Store.ChargeAsync(Move(NextChargeId(), Wallet, Usd, 1), null));
        Assert.Equal(TransferResult.CreditAccountNotFound, await Store.ChargeAsync(Move(NextChargeId(), Wallet, NextId(), 1), null));
        Assert.Equal(TransferResult.AmountMustBePositive, await Store.ChargeAsync(Move(NextChargeId(), Wallet, Wallet2, 0), null));
        Assert.Equal(100, (await AccountOf(Wallet)).PostedMinor);
        Assert.Equal(0, (await AccountOf(Wallet2)).PostedMinor);
        await AssertBalanced();
    }

    [Fact]
    public async Task A_hold_is_posted_in_part_and_the_rest_released_exactly_once()
    {
        await Fund(Wallet, 1_000);
        var hold = await Apply(Move(NextId(), Wallet, Wallet2, 600, TransferFlags.Pending));
        Assert.Equal(400, (await AccountOf(Wallet)).AvailableMinor);
        Assert.Equal(TransferResult.InsufficientFunds, await Store.CreateTransferAsync(Move(NextId(), Wallet, Wallet2, 401)));

        await Apply(Post(NextId(), hold, 250));
        Assert.Equal(TransferResult.PendingTransferAlreadyPosted, await Store.CreateTransferAsync(Post(NextId(), hold, 1)));
        Assert.Equal(TransferResult.PendingTransferNotFound, await Store.CreateTransferAsync(Post(NextId(), NextId())));

        var wallet = await AccountOf(Wallet);
        Assert.Equal(750, wallet.PostedMinor);
        Assert.Equal(0, wallet.PendingOutMinor);
        Assert.Equal(250, (await AccountOf(Wallet2)).PostedMinor);
        Assert.Equal(PendingState.Posted, (await Store.GetTransferAsync(hold))!.Value.State);
        await AssertBalanced();
    }

    [Fact]
    public async Task A_void_releases_a_hold_and_posting_more_than_held_is_refused()
    {
        await Fund(Wallet, 500);
        var hold = await Apply(Move(NextId(), Wallet, Wallet2, 300, TransferFlags.Pending));
        Assert.Equal(TransferResult.ExceedsPendingTransferAmount, await Store.CreateTransferAsync(Post(NextId(), hold, 301)));
        await Apply(new Transfer { Id = NextId(), PendingId = hold, Amount = Transfer.AmountOfPending, Flags = TransferFlags.VoidPending });
        Assert.Equal(TransferResult.PendingTransferAlreadyVoided, await Store.CreateTransferAsync(Post(NextId(), hold)));

        Assert.Equal(500, (await AccountOf(Wallet)).AvailableMinor);
        Assert.Equal(0, (await AccountOf(Wallet2)).PendingInMinor);
        await AssertBalanced();
    }

    [Fact]
    public async Task A_hold_expires_after_its_timeout()
    {
        await Fund(Wallet, 500);
        var hold = await Apply(Move(NextId(), Wallet, Wallet2, 300, TransferFlags.Pending) with { TimeoutSeconds = 60 });
        Assert.Equal(0, await Store.ExpirePendingTransfersAsync());

        Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(1, await Store.ExpirePendingTransfersAsync());
        Assert.Equal(0, await Store.ExpirePendingTransfersAsync());
        Assert.Equal(TransferResult.PendingTransferExpired, await Store.CreateTransferAsync(Post(NextId(), hold)));
        Assert.Equal(500, (await AccountOf(Wallet)).AvailableMinor);
        await AssertBalanced();
    }

    [Fact]
    public async Task Closed_accounts_refuse_transfers()
    {
        var account = NextId();
        await Open(new NewAccount(account, Currency.EUR));
        Assert.Equal(CloseAccountResult.Ok, await Store.CloseAccountAsync(account));
        Assert.Equal(CloseAccountResult.AccountAlreadyClosed, await Store.CloseAccountAsync(account));
        Assert.Equal(CloseAccountResult.AccountNotFound, await Store.CloseAccountAsync(NextId()));
        Assert.Equal(TransferResult.CreditAccountClosed, await Store.CreateTransferAsync(Move(NextId(), Funding, account, 1)));
    }

    [Fact]
    public async Task Entries_page_through_history_with_the_balance_after_each()
    {
        var account = NextId();
        await Open(new NewAccount(account, Currency.EUR));
        for (var i = 1; i <= 7; i++)
        {
            await Apply(Move(NextId(), Funding, account, i * 10));
            Clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        var seen = new List<LedgerEntry>();
        string? cursor = null;
        do
        {
            var page = await Store.GetEntriesAsync(account, cursor, 3);
            Assert.InRange(page.Entries.Count, 1, 3);
            seen.AddRange(page.Entries);
            cursor = page.Next;
        }
        while (cursor is not null);

        Assert.Equal([10L, 20, 30, 40, 50, 60, 70], seen.Select(e => e.PostedDeltaMinor));
        Assert.Equal([10L, 30, 60, 100, 150, 210, 280], seen.Select(e => e.CreditsPosted));
    }

    [Fact]
    public async Task A_linked_chain_applies_every_link_and_a_replay_is_exists()
    {
        await Fund(Wallet, 1_000);
        Transfer[] chain =
        [
            Move(NextId(), Wallet, Wallet2, 600, TransferFlags.Linked),
            Move(NextId(), Wallet2, Funding, 20, TransferFlags.Linked),
            Move(NextId(), Wallet, Wallet2, 100, TransferFlags.Pending),
        ];

        Assert.Equal([TransferResult.Ok, TransferResult.Ok, TransferResult.Ok], await Store.CreateTransfersAsync(chain));
        Assert.Equal([TransferResult.Exists, TransferResult.Exists, TransferResult.Exists], await Store.CreateTransfersAsync(chain));

        var wallet = await AccountOf(Wallet);
        Assert.Equal(400, wallet.PostedMinor);
        Assert.Equal(100, wallet.PendingOutMinor);
        Assert.Equal(580, (await AccountOf(Wallet2)).PostedMinor);
        Assert.Equal(PendingState.Pending, (await Store.GetTransferAsync(chain[2].Id))!.Value.State);
        await Apply(Post(NextId(), chain[2].Id));
        Assert.Equal(680, (await AccountOf(Wallet2)).PostedMinor);
        await AssertBalanced();
    }

    [Fact]
    public async Task A_failing_link_fails_the_whole_chain_and_only_its_own_id_is_decided()
    {
        await Fund(Wallet, 500);
        Transfer[] chain =
        [
            Move(NextId(), Wallet, Wallet2, 300, TransferFlags.Linked),
            Move(NextId(), Funding, Wallet2, 50, TransferFlags.Linked),
            Move(NextId(), Wallet, Capped, 250),
        ];

        Assert.Equal([TransferResult.LinkedEventFailed, TransferResult.LinkedEventFailed, TransferResult.InsufficientFunds], await Store.CreateTransfersAsync(chain));
        Assert.Equal(500, (await AccountOf(Wallet)).AvailableMinor);
        Assert.Equal(0, (await AccountOf(Wallet2)).PostedMinor);
        Assert.Equal(0, (await AccountOf(Wallet2)).PendingInMinor);
        Assert.Null(await Store.GetTransferAsync(chain[0].Id));

        Assert.Equal([TransferResult.LinkedEventFailed, TransferResult.LinkedEventFailed, TransferResult.IdAlreadyFailed], await Store.CreateTransfersAsync(chain));
        Assert.Equal(TransferResult.Ok, await Store.CreateTransferAsync(chain[0] with { Flags = TransferFlags.None }));
        Assert.Equal(TransferResult.IdAlreadyFailed, await Store.CreateTransferAsync(chain[2]));
        await AssertBalanced();
    }

    [Fact]
    public async Task A_chain_left_open_at_the_end_of_a_batch_fails_without_effect()
    {
        var results = await Store.CreateTransfersAsync([Move(NextId(), Funding, Wallet, 5), Move(NextId(), Funding, Wallet, 7, TransferFlags.Linked)]);

        Assert.Equal([TransferResult.Ok, TransferResult.LinkedEventChainOpen], results);
        Assert.Equal(5, (await AccountOf(Wallet)).PostedMinor);
    }
}
