using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Payments;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Payments;

/// <summary>Findings of the second adversarial review at the payment level (PaymentStore against the Cosmos ledger).</summary>
[Collection(CosmosCollection.Name)]
public sealed class ReviewPaymentFindingsTests(CosmosFixture cosmos)
{
    private const string Merchant = "mer_review";
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// The case PaymentCrashTests.A_charge_whose_payment_id_holds_another_payment... covers for another wallet, with the
    /// other payment from the same wallet and of the same amount but manual. The request of the automatic payment dies
    /// right after its charge; the key's payment id is then taken by a manual payment (held, or declined because the
    /// charge emptied the wallet). ResumeAsync calls that a different payment (422 idempotency_key_reused), but
    /// PaymentChargeRecorder compares only wallet, currency and amount, says "recorded", and recovery credits the
    /// charge to the merchant: the wallet pays a charge that belongs to no payment, on top of the manual payment's hold
    /// (or of a payment it was told was declined). The charge must be given back, as for another wallet.
    /// </summary>
    [Theory]
    [InlineData(10_000, PaymentStatus.RequiresCapture)]
    [InlineData(1_500, PaymentStatus.Declined)]
    public async Task A_charge_whose_payment_id_holds_a_manual_payment_of_the_same_wallet_and_amount_is_given_back(long funds, PaymentStatus manualStatus)
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock, charges: Recording(database));
        var (wallets, wallet) = await FundedWalletAsync(database, ledger, funds);

        await Assert.ThrowsAsync<ProcessDiedException>(() => Payments(database, new DyingLedger(ledger, 1, afterApplying: true))
            .CreateAsync(Merchant, new CreatePaymentRequest(1_000, "EUR", new PaymentSource(wallet.Id)), "order-5", default));
        var freshLedger = new CosmosLedgerStore(database, clock, charges: Recording(database));
        var manual = await Payments(database, freshLedger)
            .CreateAsync(Merchant, new CreatePaymentRequest(1_000, "EUR", new PaymentSource(wallet.Id), CaptureMethod.Manual), "order-5", default);
        Assert.Equal(manualStatus, manual.Payment!.Status);

        await freshLedger.RecoverAsync(TimeSpan.Zero);

        // The automatic payment was never stored and its key now names the manual one: its charge belongs to nobody.
        var payment = Assert.Single((await Payments(database, freshLedger).ListAsync(Merchant, null, 10, null, default)).Payments);
        Assert.Equal((CaptureMethod.Manual, 0L), (payment.CaptureMethod, payment.AmountCaptured));
        var balances = (await wallets.GetAsync(Merchant, wallet.Id, default))!.Balances;
        Assert.Equal((funds, payment.AmountCapturable), (balances.Posted, balances.Pending));
        Assert.Equal(0, (await freshLedger.GetAccountAsync(PaymentStore.RevenueAccountOf(Merchant, Currency.EUR)))!.Value.PostedMinor);
    }

    private async Task<(WalletStore Wallets, WalletView Wallet)> FundedWalletAsync(Database database, ILedgerStore ledger, long funds)
    {
        var wallets = new WalletStore(database, ledger, clock);
        var wallet = await wallets.CreateAsync(Merchant, new WalletOwner(OwnerType.Customer, "c1"), Currency.EUR, 0, default);
        await wallets.TopUpAsync(Merchant, wallet, funds, LedgerId.FromName("review-top-up"), default);
        return (wallets, wallet);
    }

    private static ChargeSettings Recording(Database database) => new(new PaymentChargeRecorder(database), null, NullLogger.Instance);

    private PaymentStore Payments(Database database, ILedgerStore ledger) =>
        new(database, ledger, new WalletStore(database, ledger, clock), clock, Options.Create(new PaymentOptions()), NullLogger<PaymentStore>.Instance);
}
