using System.Collections.Concurrent;
using Pipeline.Application.Ledger;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Collection;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Collection;

/// <summary>
/// The ledger side of collection (docs/COLLECTION.md "Ledger"). Money at the collecting bank is the bank clearing
/// account (debit-normal: an asset); every credit moves from there, in one linked chain, to where its placement
/// says: the collection's wallet, the merchant's adjustment account (an excess within tolerance; a shortfall within
/// tolerance is written off from it into the wallet), the payer's balance (a wallet), or suspense. The transfers'
/// ids derive from the credit's, so booking it again changes nothing.
/// </summary>
public sealed class CollectionLedger(ILedgerStore ledger, WalletStore wallets)
{
    private readonly ConcurrentDictionary<LedgerId, bool> opened = new();

    public static LedgerId BankClearingOf(Currency currency) => LedgerId.FromName($"platform:bank-clearing:{currency}");

    public static LedgerId SuspenseOf(Currency currency) => LedgerId.FromName($"platform:collection-suspense:{currency}");

    /// <summary>The merchant's account for differences within tolerance: excesses in, written-off shortfalls out.</summary>
    public static LedgerId AdjustmentOf(string merchantId, Currency currency) => LedgerId.FromName($"merchant:{merchantId}:collection-adjustments:{currency}");

    /// <summary>Who the merchant's collection wallets belong to: the merchant itself.</summary>
    public static WalletOwner CollectionWalletOwner { get; } = new(OwnerType.Enterprise, "collections");

    /// <summary>
    /// The merchant's collection wallet in a currency, where collections without a wallet of their own are paid. Its
    /// id derives from a seed no Idempotency-Key can spell (a header cannot hold a line break), so no request of the
    /// merchant's can take it.
    /// </summary>
    public static string CollectionWalletIdOf(string merchantId, Currency currency) => WalletStore.DerivedId(merchantId, $"\ncollection-wallet\n{currency}");

    /// <summary>The payer's balance in a currency (a wallet): overpayments and credits no open collection could take.</summary>
    public static string PayerBalanceIdOf(string merchantId, string payerReference, Currency currency) =>
        WalletStore.DerivedId(merchantId, $"\npayer-balance\n{currency}\n{payerReference}");

    /// <summary>Books a decided credit: the chain of its placement's transfers, all or nothing, each once.</summary>
    public async Task BookAsync(BankCreditDocument credit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credit);
        var placement = credit.Placement ?? throw new InvalidOperationException($"Bank credit {credit.Id} has no placement to book.");
        var currency = Currency.Parse(credit.Currency);
        // A person's match of an exception's money pays from suspense (where the resolution put it), never from the bank again.
        var clearing = credit.Source == BankCreditSource.Resolution ? SuspenseOf(currency) : BankClearingOf(currency);
        await EnsureAsync(credit.Source == BankCreditSource.Resolution ? new NewAccount(clearing, currency) : new NewAccount(clearing, currency, NormalBalance.Debit), cancellationToken);
        var legs = new List<Transfer>();
        foreach (var allocation in placement.Allocations)
        {
            var to = await TargetOfAsync(allocation.Target, placement, currency, cancellationToken);
            legs.Add(Leg($"bank-credit:{credit.Id}:{allocation.Target}", clearing, to, allocation.AmountMinor, currency, CodeOf(allocation.Target)));
        }

        if (placement.WrittenOffMinor > 0)
        {
            var adjustment = await TargetOfAsync(AllocationTarget.Adjustment, placement, currency, cancellationToken);
            var wallet = await TargetOfAsync(AllocationTarget.Collection, placement, currency, cancellationToken);
            legs.Add(Leg($"bank-credit:{credit.Id}:written-off", adjustment, wallet, placement.WrittenOffMinor, currency, TransferCodes.CollectionWriteOff));
        }

        await ApplyChainAsync(legs, $"bank credit {credit.Id}", cancellationToken);
    }

    /// <summary>
    /// Moves money out of where an exception left it (suspense or a payer's balance) for a resolution, once (the id
    /// derives from the resolution). Answers the ledger's result: a payer's balance may have been spent meanwhile.
    /// </summary>
    public Task<TransferResult> MoveAsync(string transferName, LedgerId from, LedgerId to, long amountMinor, Currency currency, CancellationToken cancellationToken) =>
        ledger.CreateTransferAsync(Leg(transferName, from, to, amountMinor, currency, TransferCodes.ExceptionResolution) with { Flags = TransferFlags.None }, cancellationToken);

    /// <summary>Money a resolution sends back to a payer's bank: owed out until the bank executes the refund's pain.001.</summary>
    public static LedgerId RefundsOf(Currency currency) => LedgerId.FromName($"platform:collection-refunds:{currency}");

    /// <summary>The platform's account for money in suspense nobody claims: written off to it by a resolution.</summary>
    public static LedgerId PlatformWriteOffsOf(Currency currency) => LedgerId.FromName($"platform:collection-write-offs:{currency}");

    /// <summary>An account's posted balance on its normal side (0 for an account never opened).</summary>
    public async Task<long> PostedAsync(LedgerId account, CancellationToken cancellationToken) =>
        (await ledger.GetAccountAsync(account, cancellationToken))?.PostedMinor ?? 0;

    /// <summary>Opens a platform or merchant account on first use (each process once).</summary>
    public async Task EnsureAsync(NewAccount account, CancellationToken cancellationToken)
    {
        if (opened.ContainsKey(account.Id))
        {
            return;
        }

        var result = await ledger.CreateAccountAsync(account, 1, cancellationToken);
        if (result is not (CreateAccountResult.Ok or CreateAccountResult.Exists))
        {
            throw new InvalidOperationException($"Opening ledger account {account.Id} for collection answered {result.Code()}.");
        }

        opened.TryAdd(account.Id, true);
    }

    /// <summary>Opens (once) the wallet a placement names: the merchant's collection wallet, or the payer's balance.</summary>
    public async Task<LedgerId> WalletAsync(string merchantId, string walletId, WalletOwner owner, Currency currency, CancellationToken cancellationToken)
    {
        var account = WalletStore.AccountOf(walletId);
        if (opened.ContainsKey(account))
        {
            return account;
        }

        var wallet = await wallets.OpenDerivedAsync(walletId, merchantId, owner, currency, 0, cancellationToken)
            ?? throw new InvalidOperationException($"Wallet {walletId} exists with other terms than collection gives it.");
        opened.TryAdd(account, true);
        return WalletStore.AccountOf(wallet.Id);
    }

    private async Task<LedgerId> TargetOfAsync(AllocationTarget target, CreditPlacement placement, Currency currency, CancellationToken cancellationToken)
    {
        switch (target)
        {
            case AllocationTarget.Suspense:
                var suspense = SuspenseOf(currency);
                await EnsureAsync(new NewAccount(suspense, currency), cancellationToken);
                return suspense;
            case AllocationTarget.Adjustment:
                var adjustment = AdjustmentOf(MerchantOf(placement), currency);
                await EnsureAsync(new NewAccount(adjustment, currency), cancellationToken);
                return adjustment;
            case AllocationTarget.PayerBalance:
                var payer = placement.PayerReference ?? throw new InvalidOperationException("A payer's balance needs its payer.");
                return await WalletAsync(MerchantOf(placement), PayerBalanceIdOf(MerchantOf(placement), payer, currency), new WalletOwner(OwnerType.Customer, payer), currency, cancellationToken);
            default:
                var walletId = placement.WalletId ?? throw new InvalidOperationException("A collection's part needs its wallet.");
                return walletId == CollectionWalletIdOf(MerchantOf(placement), currency)
                    ? await WalletAsync(MerchantOf(placement), walletId, CollectionWalletOwner, currency, cancellationToken)
                    : WalletStore.AccountOf(walletId); // The merchant's own wallet, checked when the collection was created.
        }
    }

    private static string MerchantOf(CreditPlacement placement) => placement.MerchantId ?? throw new InvalidOperationException("This part of a credit needs its merchant.");

    private static ushort CodeOf(AllocationTarget target) => target switch
    {
        AllocationTarget.Collection => TransferCodes.CollectionCredit,
        AllocationTarget.Adjustment => TransferCodes.CollectionAdjustment,
        AllocationTarget.PayerBalance => TransferCodes.PayerBalanceCredit,
        _ => TransferCodes.SuspenseCredit,
    };

    private static Transfer Leg(string name, LedgerId from, LedgerId to, long amount, Currency currency, ushort code) => new()
    {
        Id = LedgerId.FromName(name), DebitAccountId = from, CreditAccountId = to, Amount = amount, Currency = currency, Code = code, Flags = TransferFlags.Linked,
    };

    private async Task ApplyChainAsync(List<Transfer> legs, string what, CancellationToken cancellationToken)
    {
        if (legs.Count == 0)
        {
            return;
        }

        legs[^1] = legs[^1] with { Flags = TransferFlags.None };
        var results = await ledger.CreateTransfersAsync(legs, cancellationToken);
        if (results.Any(r => !r.IsSuccess()))
        {
            throw new InvalidOperationException($"The ledger refused {what}: {string.Join(", ", results.Select(r => r.Code()))}.");
        }
    }
}
