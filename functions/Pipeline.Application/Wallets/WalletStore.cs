using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Caching.Memory;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
using Pipeline.Application.Ledger;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Wallets;

public enum OwnerType
{
    Enterprise,
    Customer,
    Vehicle,
}

public sealed record WalletOwner(OwnerType Type, string Reference);

/// <summary>A wallet as stored (container "wallets", partition = id): who owns it, whose merchant it is, its ledger account.</summary>
internal sealed record WalletDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    public required string MerchantId { get; init; }
    public required WalletOwner Owner { get; init; }
    public required string Currency { get; init; }
    public long OverdraftLimitMinor { get; init; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public long CreatedMicros { get; init; }

    /// <summary>
    /// Whether the wallet has events: its account is tagged with its id, so its entries are numbered. Wallets opened
    /// before events existed have neither, and emit nothing (their balance changes could not be numbered).
    /// </summary>
    public bool EmitsEvents { get; init; }

    /// <summary>The wallet as the API shows it, with <paramref name="balances"/>.</summary>
    public WalletView ToView(WalletBalances balances) => new(
        Id, WalletStore.AccountOf(Id).ToString(), Owner, Currency, OverdraftLimitMinor, balances,
        new DateTimeOffset(CosmosTime.ToTicks(CreatedMicros), TimeSpan.Zero));
}

/// <summary>
/// Wallets: a document for what the API shows, and a credit-normal ledger account (no overdraft beyond the
/// wallet's limit) for the money. Money comes in from the merchant's funding account in the same currency.
/// </summary>
public sealed class WalletStore(Database database, ILedgerStore ledger, TimeProvider time)
{
    public const string ContainerName = "wallets";

    public const string IdPrefix = "wal_";

    private const int CachedWalletsMax = 100_000;

    private readonly Container container = database.GetContainer(ContainerName);

    // What payments read of a wallet (its merchant, its currency) never changes, so one read per process will do.
    private readonly MemoryCache documents = new(new MemoryCacheOptions { SizeLimit = CachedWalletsMax });

    public static ContainerProperties ContainerProperties() => new(ContainerName, "/id");

    public static LedgerId AccountOf(string walletId) => LedgerId.FromName("wallet:" + walletId);

    /// <summary>The merchant's funding account in a currency: where top-ups come from (debit-normal, unlimited).</summary>
    public static LedgerId FundingAccountOf(string merchantId, Currency currency) => LedgerId.FromName($"merchant:{merchantId}:funding:{currency}");

    public async Task<WalletView> CreateAsync(string merchantId, WalletOwner owner, Currency currency, long overdraftLimitMinor, CancellationToken cancellationToken) =>
        await OpenAsync(NewWallet(ResourceIds.New(IdPrefix), merchantId, owner, currency, overdraftLimitMinor), cancellationToken)
        ?? throw new InvalidOperationException("The ledger account of a new wallet existed already.");

    /// <summary>
    /// Opens a wallet whose id is derived from the merchant and its Idempotency-Key: a retry whose first attempt's
    /// answer was lost finds that wallet instead of opening a second one. Null when the key opened a different wallet.
    /// </summary>
    public Task<WalletView?> CreateAsync(
        string merchantId, WalletOwner owner, Currency currency, long overdraftLimitMinor, string idempotencyKey, CancellationToken cancellationToken) =>
        OpenDerivedAsync(DerivedId(merchantId, idempotencyKey), merchantId, owner, currency, overdraftLimitMinor, cancellationToken);

    /// <summary>The id of the merchant's wallet derived from <paramref name="seed"/> (an Idempotency-Key, or a seed of the platform's own).</summary>
    public static string DerivedId(string merchantId, string seed) => ResourceIds.NewOrDerived(IdPrefix, merchantId, seed);

    /// <summary>
    /// Opens the wallet with a derived id (<see cref="DerivedId"/>), or finds it opened already with the same terms;
    /// null when it exists with other terms.
    /// </summary>
    public async Task<WalletView?> OpenDerivedAsync(
        string id, string merchantId, WalletOwner owner, Currency currency, long overdraftLimitMinor, CancellationToken cancellationToken)
    {
        var wallet = NewWallet(id, merchantId, owner, currency, overdraftLimitMinor);
        var earlier = await container.ReadOrNullAsync<WalletDocument>(wallet.Id, wallet.Id, cancellationToken);
        if (earlier is null)
        {
            try
            {
                return await OpenAsync(wallet, cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                earlier = await container.ReadOrNullAsync<WalletDocument>(wallet.Id, wallet.Id, cancellationToken);
            }
        }

        var same = earlier is not null && earlier.MerchantId == wallet.MerchantId && earlier.Owner == wallet.Owner
            && earlier.Currency == wallet.Currency && earlier.OverdraftLimitMinor == wallet.OverdraftLimitMinor;
        return same ? await ViewAsync(earlier!, cancellationToken) : null;
    }

    private WalletDocument NewWallet(string id, string merchantId, WalletOwner owner, Currency currency, long overdraftLimitMinor) => new()
    {
        Id = id,
        MerchantId = merchantId,
        Owner = owner,
        Currency = currency.Code,
        OverdraftLimitMinor = overdraftLimitMinor,
        CreatedMicros = CosmosTime.ToMicros(time.GetUtcNow()),
        EmitsEvents = true,
    };

    /// <summary>
    /// Opens the wallet's ledger account, then stores its document. The account first: a wallet document whose account
    /// is missing would show no balance at all. A wallet retried under its Idempotency-Key may meet its account
    /// already ("exists"); null when the account exists with other terms (the key opened another wallet).
    /// </summary>
    private async Task<WalletView?> OpenAsync(WalletDocument wallet, CancellationToken cancellationToken)
    {
        var account = new NewAccount(
            AccountOf(wallet.Id), Currency.Parse(wallet.Currency), NormalBalance.Credit, AccountFlags.DebitsMustNotExceedCredits, wallet.OverdraftLimitMinor, Tag: wallet.Id);
        var opened = await ledger.CreateAccountAsync(account, 1, cancellationToken);
        if (opened.IsExistsWithDifferent())
        {
            return null;
        }

        if (opened is not (CreateAccountResult.Ok or CreateAccountResult.Exists))
        {
            throw new InvalidOperationException($"Opening the ledger account of wallet {wallet.Id} answered {opened.Code()}.");
        }

        await container.CreateItemAsync(wallet, new PartitionKey(wallet.Id), cancellationToken: cancellationToken);
        return await ViewAsync(wallet, cancellationToken);
    }

    /// <summary>The merchant's wallet, or null when it does not exist or belongs to another merchant (the API says 404 for both).</summary>
    public async Task<WalletView?> GetAsync(string merchantId, string id, CancellationToken cancellationToken)
    {
        var document = await FindAsync(merchantId, id, cancellationToken);
        return document is null ? null : await ViewAsync(document, cancellationToken);
    }

    /// <summary>The merchant's wallet without its balances (no ledger read), or null as for <see cref="GetAsync"/>.</summary>
    internal async Task<WalletDocument?> FindAsync(string merchantId, string id, CancellationToken cancellationToken)
    {
        var document = await ReadAsync(id, cancellationToken);
        return document?.MerchantId == merchantId ? document : null;
    }

    /// <summary>Any merchant's wallet without its balances, or null when there is none with this id.</summary>
    internal async Task<WalletDocument?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsWalletId(id))
        {
            return null;
        }

        if (!documents.TryGetValue(id, out WalletDocument? document))
        {
            document = await container.ReadOrNullAsync<WalletDocument>(id, id, cancellationToken);
            if (document is not null)
            {
                documents.Set(id, document, new MemoryCacheEntryOptions { Size = 1 });
            }
        }

        return document;
    }

    public static bool IsWalletId(string id) => ResourceIds.IsValid(id, IdPrefix);

    /// <summary>Top-up: from the merchant's funding account (opened on first use) into the wallet.</summary>
    public async Task<TransferResult> TopUpAsync(string merchantId, WalletView wallet, long amountMinor, LedgerId transferId, CancellationToken cancellationToken)
    {
        var currency = Currency.Parse(wallet.Currency);
        var funding = FundingAccountOf(merchantId, currency);
        await ledger.CreateAccountAsync(new NewAccount(funding, currency, NormalBalance.Debit), 1, cancellationToken);
        return await ledger.CreateTransferAsync(new Transfer
        {
            Id = transferId,
            DebitAccountId = funding,
            CreditAccountId = AccountOf(wallet.Id),
            Amount = amountMinor,
            Currency = currency,
            Code = TransferCodes.TopUp,
        }, cancellationToken);
    }

    private async Task<WalletView?> ViewAsync(WalletDocument document, CancellationToken cancellationToken)
    {
        var account = await ledger.GetAccountAsync(AccountOf(document.Id), cancellationToken);
        return account is not { } balances
            ? null
            : document.ToView(new WalletBalances(balances.AvailableMinor, balances.PendingOutMinor, balances.PostedMinor));
    }
}

/// <summary>Balances in minor units: what can be spent now, what is held, and what is posted.</summary>
public sealed record WalletBalances(long Available, long Pending, long Posted);

/// <param name="LedgerAccountId">The wallet's account in the ledger (GET /ledger/accounts/{id}, admin).</param>
public sealed record WalletView(string Id, string LedgerAccountId, WalletOwner Owner, string Currency, long OverdraftLimit, WalletBalances Balances, DateTimeOffset CreatedAt);
