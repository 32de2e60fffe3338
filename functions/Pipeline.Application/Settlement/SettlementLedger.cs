using System.Collections.Concurrent;
using Pipeline.Application.Ledger;
using Pipeline.Application.Payments;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Settlement;

/// <summary>
/// The ledger side of settlement. Captures credit the merchant's revenue account (and refunds debit it) as they
/// happen; a settlement moves its fees to the platform's fee account, its reserve to the merchant's reserve account
/// (and a due tranche back), and its payout to the payout clearing account — one linked chain, all or nothing, with
/// ids derived from the settlement, so running it again changes nothing. A returned payout comes back from clearing.
/// </summary>
public sealed class SettlementLedger(ILedgerStore ledger)
{
    /// <summary>Every settlement of a run credits these: spread over partitions, like a merchant's revenue.</summary>
    private const int PlatformCreditShards = 4;

    private readonly ConcurrentDictionary<LedgerId, bool> opened = new();

    public static LedgerId FeesAccountOf(Currency currency) => LedgerId.FromName($"platform:fees:{currency}");

    public static LedgerId PayoutClearingOf(Currency currency) => LedgerId.FromName($"platform:payouts:{currency}");

    public static LedgerId ReserveAccountOf(string merchantId, Currency currency) => LedgerId.FromName($"merchant:{merchantId}:reserve:{currency}");

    /// <summary>
    /// Applies a currency's settlement: first the returns of the payouts it pays again (each once, by its own id: the
    /// return may have been recorded by a request that died before it booked them), then its chain — fee, reserve held,
    /// reserve released, payout (the legs that move anything).
    /// </summary>
    public async Task ApplyAsync(string merchantId, CurrencySettlement settlement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        foreach (var returned in settlement.Terms.Returned)
        {
            await ReturnAsync(merchantId, returned, cancellationToken);
        }

        var currency = Currency.Parse(settlement.Currency);
        var revenue = PaymentStore.RevenueAccountOf(merchantId, currency);
        var reserve = ReserveAccountOf(merchantId, currency);
        // The revenue account exists: the payments that credited it opened it (what a settlement moves came from there).
        await EnsureAsync(reserve, currency, NormalBalance.Credit, 1, cancellationToken);
        await EnsureAsync(FeesAccountOf(currency), currency, NormalBalance.Credit, PlatformCreditShards, cancellationToken);
        await EnsureAsync(PayoutClearingOf(currency), currency, NormalBalance.Credit, PlatformCreditShards, cancellationToken);

        var t = settlement.Totals;
        var legs = new List<Transfer>();
        void Leg(string name, LedgerId from, LedgerId to, long amount, ushort code)
        {
            if (amount > 0)
            {
                legs.Add(new Transfer
                {
                    Id = LedgerId.FromName($"settlement:{settlement.SettlementId}:{name}"), DebitAccountId = from, CreditAccountId = to,
                    Amount = amount, Currency = currency, Code = code, Flags = TransferFlags.Linked,
                });
            }
        }

        Leg("reserve-release", reserve, revenue, t.ReserveReleasedMinor, TransferCodes.ReserveRelease);
        Leg("fee", revenue, FeesAccountOf(currency), t.FeesMinor, TransferCodes.SettlementFee);
        Leg("reserve", revenue, reserve, t.ReserveHeldMinor, TransferCodes.ReserveHold);
        Leg("payout", revenue, PayoutClearingOf(currency), t.PayoutMinor, TransferCodes.Payout);
        if (legs.Count == 0)
        {
            return;
        }

        legs[^1] = legs[^1] with { Flags = TransferFlags.None };
        var results = await ledger.CreateTransfersAsync(legs, cancellationToken);
        if (results.Any(r => !r.IsSuccess()))
        {
            throw new InvalidOperationException($"The ledger refused settlement {settlement.SettlementId}: {string.Join(", ", results.Select(r => r.Code()))}.");
        }
    }

    /// <summary>Books a returned payout back from clearing to the merchant's revenue (once: the id is derived from the payout).</summary>
    public async Task ReturnAsync(string merchantId, ReturnedPayout payout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payout);
        var currency = Currency.Parse(payout.Currency);
        var result = await ledger.CreateTransferAsync(new Transfer
        {
            Id = LedgerId.FromName($"payout:{payout.Id}:returned"), DebitAccountId = PayoutClearingOf(currency),
            CreditAccountId = PaymentStore.RevenueAccountOf(merchantId, currency), Amount = payout.AmountMinor, Currency = currency, Code = TransferCodes.PayoutReturn,
        }, cancellationToken);
        if (!result.IsSuccess())
        {
            throw new InvalidOperationException($"The ledger refused the return of payout {payout.Id}: {result.Code()}.");
        }
    }

    private async Task EnsureAsync(LedgerId account, Currency currency, NormalBalance normal, int shards, CancellationToken cancellationToken)
    {
        if (opened.ContainsKey(account))
        {
            return;
        }

        var result = await ledger.CreateAccountAsync(new NewAccount(account, currency, normal), shards, cancellationToken);
        if (result is not (CreateAccountResult.Ok or CreateAccountResult.Exists))
        {
            throw new InvalidOperationException($"Opening ledger account {account} for settlement answered {result.Code()}.");
        }

        opened.TryAdd(account, true);
    }
}
