using Microsoft.Azure.Cosmos;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>
/// The ledger every review's findings start from — a funding account, two wallets of 1,000 that must not be
/// overdrawn, a merchant — in the Cosmos store (its own database) or in the core, to compare their answers. Each
/// review names its accounts with its own prefix, so a failure says which review's case it is.
/// </summary>
internal sealed class ReviewLedger(string review)
{
    public LedgerId Funding { get; } = LedgerId.FromName($"{review}:funding");

    public LedgerId WalletA { get; } = LedgerId.FromName($"{review}:wallet-a");

    public LedgerId WalletB { get; } = LedgerId.FromName($"{review}:wallet-b");

    public LedgerId Merchant { get; } = LedgerId.FromName($"{review}:merchant");

    public async Task<Database> SetUpAsync(CosmosFixture cosmos, TimeProvider clock)
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var store = new CosmosLedgerStore(database, clock);
        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(Funding, Currency.EUR, NormalBalance.Debit)));
        foreach (var wallet in new[] { WalletA, WalletB })
        {
            Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(wallet, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits)));
            Assert.Equal(TransferResult.Ok, await store.CreateTransferAsync(Move(LedgerId.FromName($"fund:{wallet}"), Funding, wallet, 1_000)));
        }

        Assert.Equal(CreateAccountResult.Ok, await store.CreateAccountAsync(new NewAccount(Merchant, Currency.EUR)));
        return database;
    }

    /// <summary>The same accounts in the core, to ask it what it answers to the same requests.</summary>
    public Domain.Ledgers.Ledger Core(TimeProvider clock)
    {
        var core = new Domain.Ledgers.Ledger(clock);
        core.CreateAccount(new NewAccount(Funding, Currency.EUR, NormalBalance.Debit));
        foreach (var wallet in new[] { WalletA, WalletB })
        {
            core.CreateAccount(new NewAccount(wallet, Currency.EUR, Flags: AccountFlags.DebitsMustNotExceedCredits));
            core.CreateTransfer(Move(LedgerId.FromName($"fund:{wallet}"), Funding, wallet, 1_000));
        }

        core.CreateAccount(new NewAccount(Merchant, Currency.EUR));
        return core;
    }

    public static Transfer Move(LedgerId id, LedgerId debit, LedgerId credit, long amount) =>
        new() { Id = id, DebitAccountId = debit, CreditAccountId = credit, Amount = amount, Currency = Currency.EUR };

    /// <summary>An id named from <paramref name="prefix"/> whose credit goes to shard <paramref name="shard"/> of an account of <paramref name="shards"/> shards.</summary>
    public static LedgerId IdOnShard(string prefix, int shard, int shards) =>
        Enumerable.Range(0, 1_000).Select(i => LedgerId.FromName($"{prefix}:{i}")).First(id => LedgerKeys.CreditShard(id, shards) == shard);
}
