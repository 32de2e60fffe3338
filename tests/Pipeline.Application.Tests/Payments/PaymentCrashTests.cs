using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Payments;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Tests.Payments;

/// <summary>
/// A request that dies around any ledger step of any payment operation — before the ledger saw the step, or
/// after it applied it but before the payment recorded that — leaves the operation pending on the payment. A
/// fresh process (the maintenance sweep, or the next request) finishes it: then the payment must show exactly
/// what an uninterrupted run shows, the wallet must hold what the payment says, and the books must balance.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class PaymentCrashTests(CosmosFixture cosmos)
{
    private const string Merchant = "mer_crash";
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Each operation, the ledger call it dies on (1-based), and whether the ledger answered that call first. The
    /// last three are refused steps: re-run, the ledger answers only "already failed", and the payment must still
    /// record the first answer (insufficient funds; a hold the ledger had already expired).
    /// </summary>
    public static TheoryData<string, int, bool> CrashPoints()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var (operation, calls) in new[]
        {
            ("hold", 1), ("capture-both", 2), ("capture-part", 2), ("cancel", 2), ("increment", 1), ("refund", 1),
            ("increment-declined", 1), ("expire-after-ledger", 2),
        })
        {
            for (var call = 1; call <= calls; call++)
            {
                data.Add(operation, call, false);
                data.Add(operation, call, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task An_operation_interrupted_around_any_ledger_step_is_finished_by_a_fresh_process(string operation, int dieOnCall, bool afterApplying)
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var healthy = Payments(database, ledger);
        var (wallets, wallet) = await FundedWalletAsync(database, ledger);

        // Bring a payment to the state the operation starts from, without faults.
        var manual = new CreatePaymentRequest(1_000, "EUR", new PaymentSource(wallet.Id), CaptureMethod.Manual);
        string? id = null;
        if (operation is "capture-both" or "capture-part" or "cancel" or "expire-after-ledger")
        {
            id = (await healthy.CreateAsync(Merchant, manual, null, default)).Payment!.Id;
            Assert.Null((await healthy.RunAsync(Merchant, id, PaymentOperationKind.Increment, 1_000, null, default)).Refusal);
        }
        else if (operation is "increment" or "increment-declined")
        {
            id = (await healthy.CreateAsync(Merchant, manual, null, default)).Payment!.Id;
        }
        else if (operation is "refund")
        {
            id = (await healthy.CreateAsync(Merchant, manual with { CaptureMethod = CaptureMethod.Automatic }, null, default)).Payment!.Id;
        }

        if (operation is "expire-after-ledger")
        {
            // The window passes and the ledger's sweep releases both holds before anything touches the payment.
            clock.Advance(TimeSpan.FromDays(8));
            Assert.Equal(2, await ledger.ExpirePendingTransfersAsync());
        }

        var dying = Payments(database, new DyingLedger(ledger, dieOnCall, afterApplying));
        await Assert.ThrowsAsync<ProcessDiedException>(() => operation switch
        {
            "hold" => dying.CreateAsync(Merchant, manual, null, default),
            "capture-both" => dying.RunAsync(Merchant, id!, PaymentOperationKind.Capture, 1_500, null, default),
            "capture-part" => dying.RunAsync(Merchant, id!, PaymentOperationKind.Capture, 400, null, default),
            "cancel" => dying.RunAsync(Merchant, id!, PaymentOperationKind.Cancel, null, null, default),
            "increment" => dying.RunAsync(Merchant, id!, PaymentOperationKind.Increment, 700, null, default),
            "increment-declined" => dying.RunAsync(Merchant, id!, PaymentOperationKind.Increment, 50_000, null, default),
            "expire-after-ledger" => dying.RunAsync(Merchant, id!, PaymentOperationKind.Cancel, null, null, default),
            _ => dying.RunAsync(Merchant, id!, PaymentOperationKind.Refund, 300, null, default),
        });
        Assert.True((await ledger.AuditAsync()).Balanced, "The books must balance while the operation is pending.");

        var fresh = Payments(database, new CosmosLedgerStore(database, clock));
        Assert.Equal(1, await fresh.FinishAbandonedAsync(TimeSpan.Zero, default));
        Assert.Equal(0, await fresh.FinishAbandonedAsync(TimeSpan.Zero, default));

        var payment = Assert.Single((await fresh.ListAsync(Merchant, null, 10, null, default)).Payments);
        var expected = operation switch
        {
            "hold" => (PaymentStatus.RequiresCapture, 0L, 0L, 1_000L),
            "capture-both" => (PaymentStatus.Succeeded, 1_500, 0, 0),
            "capture-part" => (PaymentStatus.Succeeded, 400, 0, 0),
            "cancel" => (PaymentStatus.Canceled, 0, 0, 0),
            "increment" => (PaymentStatus.RequiresCapture, 0, 0, 1_700),
            "increment-declined" => (PaymentStatus.RequiresCapture, 0, 0, 1_000),
            "expire-after-ledger" => (PaymentStatus.Canceled, 0, 0, 0),
            _ => (PaymentStatus.PartiallyRefunded, 1_000, 300, 0),
        };
        Assert.Equal(expected, (payment.Status, payment.AmountCaptured, payment.AmountRefunded, payment.AmountCapturable));
        Assert.Null(payment.DeclineCode);
        Assert.Equal(operation == "expire-after-ledger" ? CancellationReason.Expired : operation == "cancel" ? CancellationReason.Requested : null, payment.CancellationReason);

        var balances = (await wallets.GetAsync(Merchant, wallet.Id, default))!.Balances;
        Assert.Equal(10_000 - payment.AmountCaptured + payment.AmountRefunded, balances.Posted);
        Assert.Equal(payment.AmountCapturable, balances.Pending);
        await PaymentAssertions.AssertAgreesWithLedgerAsync(database, ledger, Merchant, clock);
    }

    /// <summary>
    /// An automatic payment is one ledger charge carrying the finished payment as its memo, then the payment
    /// document. Dying before the charge, or after a refused one, leaves nothing at all (the client saw an error;
    /// nothing was taken). Dying after a charge that went through leaves it in flight: recovery stores the payment
    /// from the memo and credits the merchant, exactly once.
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task An_automatic_payment_interrupted_around_its_charge_is_recorded_by_recovery_or_never_happened(bool afterApplying, bool declined)
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock, charges: Recording(database));
        var (wallets, wallet) = await FundedWalletAsync(database, ledger);
        var request = new CreatePaymentRequest(declined ? 20_000 : 1_000, "EUR", new PaymentSource(wallet.Id), CaptureMethod.Automatic);

        await Assert.ThrowsAsync<ProcessDiedException>(() => Payments(database, new DyingLedger(ledger, 1, afterApplying)).CreateAsync(Merchant, request, "order-9", default));
        Assert.True((await ledger.AuditAsync()).Balanced, "The books must balance while the charge is in flight.");

        var freshLedger = new CosmosLedgerStore(database, clock, charges: Recording(database));
        var fresh = Payments(database, freshLedger);
        var charged = afterApplying && !declined;
        Assert.Equal(charged ? 1 : 0, await freshLedger.RecoverAsync(TimeSpan.Zero));
        Assert.Equal(0, await freshLedger.RecoverAsync(TimeSpan.Zero));
        Assert.Equal(0, await fresh.FinishAbandonedAsync(TimeSpan.Zero, default));

        var payments = (await fresh.ListAsync(Merchant, null, 10, null, default)).Payments;
        if (charged)
        {
            var payment = Assert.Single(payments);
            Assert.Equal((PaymentStatus.Succeeded, 1_000L, 0L), (payment.Status, payment.AmountCaptured, payment.AmountCapturable));
        }
        else
        {
            Assert.Empty(payments);
        }

        Assert.Equal(10_000 - (charged ? 1_000 : 0), (await wallets.GetAsync(Merchant, wallet.Id, default))!.Balances.Posted);
        Assert.Equal(charged ? 1_000 : 0, (await freshLedger.GetAccountAsync(PaymentStore.RevenueAccountOf(Merchant, Currency.EUR)))!.Value.PostedMinor);
        var audit = await freshLedger.AuditAsync();
        Assert.True(audit.Balanced);
        Assert.Equal(0, audit.Currencies[Currency.EUR].InFlightPosted);

        // The client retries under its key once the wallet could afford even the large payment: a charge that went
        // through is found (not made again), one the ledger refused stays refused, one never made is made now.
        await wallets.TopUpAsync(Merchant, wallet, 20_000, LedgerId.FromName("more"), default);
        var retried = await fresh.CreateAsync(Merchant, request, "order-9", default);
        var refusedBefore = declined && afterApplying;
        Assert.Equal(refusedBefore ? PaymentStatus.Declined : PaymentStatus.Succeeded, retried.Payment!.Status);
        Assert.Equal(refusedBefore ? "insufficient_funds" : null, retried.Refusal?.Code);
        Assert.Equal(30_000 - (refusedBefore ? 0 : request.Amount), (await wallets.GetAsync(Merchant, wallet.Id, default))!.Balances.Posted);
        Assert.Single((await fresh.ListAsync(Merchant, null, 10, null, default)).Payments);
        await freshLedger.RecoverAsync(TimeSpan.Zero); // Whatever the background has not credited yet.
        Assert.Equal(refusedBefore ? 0 : request.Amount, (await freshLedger.GetAccountAsync(PaymentStore.RevenueAccountOf(Merchant, Currency.EUR)))!.Value.PostedMinor);
        audit = await freshLedger.AuditAsync();
        Assert.Equal((true, 0), (audit.Balanced, (long)audit.Currencies[Currency.EUR].InFlightPosted));
        await PaymentAssertions.AssertAgreesWithLedgerAsync(database, freshLedger, Merchant, clock);
    }

    /// <summary>
    /// The idempotency layer binds a key to its first request, so a different payment under the key never reaches
    /// the store. Should one get there anyway (a key reused after its record expired, while the first attempt's
    /// payment was still unrecorded), its payment id is taken: the first attempt's charge then belongs to no
    /// payment, and recovery must neither record it over the other payment nor credit it as if it were one: it gives
    /// the money back to the wallet it came from.
    /// </summary>
    [Fact]
    public async Task A_charge_whose_payment_id_holds_another_payment_is_given_back_by_recovery_and_never_credited()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock, charges: Recording(database));
        var (wallets, first) = await FundedWalletAsync(database, ledger);
        var second = await wallets.CreateAsync(Merchant, new WalletOwner(OwnerType.Customer, "c2"), Currency.EUR, 0, default);
        await wallets.TopUpAsync(Merchant, second, 10_000, LedgerId.FromName("top-up-2"), default);

        await Assert.ThrowsAsync<ProcessDiedException>(() => Payments(database, new DyingLedger(ledger, 1, afterApplying: true))
            .CreateAsync(Merchant, new CreatePaymentRequest(1_000, "EUR", new PaymentSource(first.Id)), "order-7", default));
        var freshLedger = new CosmosLedgerStore(database, clock, charges: Recording(database));
        var other = await Payments(database, freshLedger).CreateAsync(Merchant, new CreatePaymentRequest(2_500, "EUR", new PaymentSource(second.Id)), "order-7", default);
        Assert.Equal(PaymentStatus.Succeeded, other.Payment!.Status);

        await freshLedger.RecoverAsync(TimeSpan.Zero); // Completes the second payment's charge if the background has not.
        Assert.Equal(2_500, (await freshLedger.GetAccountAsync(PaymentStore.RevenueAccountOf(Merchant, Currency.EUR)))!.Value.PostedMinor);
        var payment = Assert.Single((await Payments(database, freshLedger).ListAsync(Merchant, null, 10, null, default)).Payments);
        Assert.Equal((second.Id, 2_500L), (payment.Source.WalletId, payment.AmountCaptured));
        Assert.Equal(10_000, (await wallets.GetAsync(Merchant, first.Id, default))!.Balances.Posted);
        var audit = await freshLedger.AuditAsync();
        Assert.Equal((true, 0), (audit.Balanced, (long)audit.Currencies[Currency.EUR].InFlightPosted));
        await PaymentAssertions.AssertAgreesWithLedgerAsync(database, freshLedger, Merchant, clock);
    }

    /// <summary>
    /// The case of the test above for another wallet, with the
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
        await PaymentAssertions.AssertAgreesWithLedgerAsync(database, freshLedger, Merchant, clock);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_payment_retried_with_its_idempotency_key_after_its_process_died_is_charged_once(bool afterApplying)
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var (wallets, wallet) = await FundedWalletAsync(database, ledger);
        var request = new CreatePaymentRequest(3_000, "EUR", new PaymentSource(wallet.Id), CaptureMethod.Automatic, "order 1");

        await Assert.ThrowsAsync<ProcessDiedException>(() =>
            Payments(database, new DyingLedger(ledger, 1, afterApplying)).CreateAsync(Merchant, request, "order-1", default));
        var fresh = Payments(database, new CosmosLedgerStore(database, clock));
        var retried = await fresh.CreateAsync(Merchant, request, "order-1", default);
        var again = await fresh.CreateAsync(Merchant, request, "order-1", default);
        var different = await fresh.CreateAsync(Merchant, request with { Amount = 3_001 }, "order-1", default);

        Assert.Null(retried.Refusal);
        Assert.Equal(PaymentStatus.Succeeded, retried.Payment!.Status);
        Assert.Equal(retried.Payment.Id, again.Payment!.Id);
        Assert.Equal("idempotency_key_reused", different.Refusal!.Code);
        Assert.Equal(0, await fresh.FinishAbandonedAsync(TimeSpan.Zero, default));
        Assert.Single((await fresh.ListAsync(Merchant, null, 10, null, default)).Payments);
        Assert.Equal(7_000, (await wallets.GetAsync(Merchant, wallet.Id, default))!.Balances.Posted);
        await new CosmosLedgerStore(database, clock, charges: Recording(database)).RecoverAsync(TimeSpan.Zero);
        Assert.Equal(3_000, (await ledger.GetAccountAsync(PaymentStore.RevenueAccountOf(Merchant, Currency.EUR)))!.Value.PostedMinor);
        var audit = await ledger.AuditAsync();
        Assert.Equal((true, 0), (audit.Balanced, (long)audit.Currencies[Currency.EUR].InFlightPosted));
        await PaymentAssertions.AssertAgreesWithLedgerAsync(database, ledger, Merchant, clock);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_refund_retried_with_its_idempotency_key_after_its_process_died_is_refunded_once(bool afterApplying)
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var (wallets, wallet) = await FundedWalletAsync(database, ledger);
        var healthy = Payments(database, ledger);
        var id = (await healthy.CreateAsync(Merchant, new CreatePaymentRequest(3_000, "EUR", new PaymentSource(wallet.Id)), null, default)).Payment!.Id;

        await Assert.ThrowsAsync<ProcessDiedException>(() =>
            Payments(database, new DyingLedger(ledger, 1, afterApplying)).RunAsync(Merchant, id, PaymentOperationKind.Refund, 1_000, "refund-1", default));
        var fresh = Payments(database, new CosmosLedgerStore(database, clock));
        var retried = await fresh.RunAsync(Merchant, id, PaymentOperationKind.Refund, 1_000, "refund-1", default);
        var again = await fresh.RunAsync(Merchant, id, PaymentOperationKind.Refund, 1_000, "refund-1", default);
        var different = await fresh.RunAsync(Merchant, id, PaymentOperationKind.Refund, 999, "refund-1", default);
        var everything = await fresh.RunAsync(Merchant, id, PaymentOperationKind.Refund, null, "refund-1", default);

        Assert.Null(retried.Refusal);
        Assert.Null(again.Refusal);
        Assert.Equal("idempotency_key_reused", different.Refusal!.Code);
        Assert.Equal("idempotency_key_reused", everything.Refusal!.Code);
        var payment = (await fresh.GetAsync(Merchant, id, default))!;
        Assert.Equal((PaymentStatus.PartiallyRefunded, 1_000L), (payment.Status, payment.AmountRefunded));
        Assert.Single(payment.Refunds);
        Assert.Equal(10_000 - 3_000 + 1_000, (await wallets.GetAsync(Merchant, wallet.Id, default))!.Balances.Posted);
        await PaymentAssertions.AssertAgreesWithLedgerAsync(database, ledger, Merchant, clock);
    }

    /// <summary>A wallet of the merchant holding <paramref name="funds"/>.</summary>
    private Task<(WalletStore Wallets, WalletView Wallet)> FundedWalletAsync(Database database, ILedgerStore ledger, long funds = 10_000) =>
        PaymentBench.FundedWalletAsync(database, ledger, clock, Merchant, funds);

    private static ChargeSettings Recording(Database database) => PaymentBench.Recording(database);

    private PaymentStore Payments(Database database, ILedgerStore ledger) => PaymentBench.Payments(database, ledger, clock);
}
