using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Application.Ledger;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Payments;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Payments;

/// <summary>What payment tests set up on one database and clock: a store over a given ledger, a funded wallet, recorded charges.</summary>
internal static class PaymentBench
{
    public static PaymentStore Payments(Database database, ILedgerStore ledger, TimeProvider clock) =>
        new(database, ledger, new WalletStore(database, ledger, clock), clock, Options.Create(new PaymentOptions()), NullLogger<PaymentStore>.Instance);

    /// <summary>A customer wallet of the merchant in EUR, topped up with <paramref name="funds"/>.</summary>
    public static async Task<(WalletStore Wallets, WalletView Wallet)> FundedWalletAsync(
        Database database, ILedgerStore ledger, TimeProvider clock, string merchant, long funds)
    {
        var wallets = new WalletStore(database, ledger, clock);
        var wallet = await wallets.CreateAsync(merchant, new WalletOwner(OwnerType.Customer, "c1"), Currency.Parse("EUR"), 0, default);
        await wallets.TopUpAsync(merchant, wallet, funds, LedgerId.FromName("top-up"), default);
        return (wallets, wallet);
    }

    /// <summary>Charge settings whose recorder stores payments from charges' memos, as the host's recovery does.</summary>
    public static ChargeSettings Recording(Database database) => new(new PaymentChargeRecorder(database), null, NullLogger.Instance);
}
