using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Payments;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Tests.Payments;

/// <summary>The payments-versus-ledger check finds a payment that shows its money one way while the ledger holds it another.</summary>
[Collection(CosmosCollection.Name)]
public sealed class PaymentLedgerCheckTests(CosmosFixture cosmos)
{
    private const string Merchant = "mer_check";
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_payment_that_shows_a_hold_released_while_the_ledger_still_holds_it_is_reported()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var ledger = new CosmosLedgerStore(database, clock);
        var wallets = new WalletStore(database, ledger, clock);
        var wallet = await wallets.CreateAsync(Merchant, new WalletOwner(OwnerType.Customer, "c1"), Currency.EUR, 0, default);
        await wallets.TopUpAsync(Merchant, wallet, 10_000, LedgerId.FromName("top-up"), default);
        var payments = new PaymentStore(database, ledger, wallets, clock, Options.Create(new PaymentOptions()), NullLogger<PaymentStore>.Instance);
        var held = (await payments.CreateAsync(Merchant, new CreatePaymentRequest(1_000, "EUR", new PaymentSource(wallet.Id), CaptureMethod.Manual), null, default)).Payment!;
        var automatic = (await payments.CreateAsync(Merchant, new CreatePaymentRequest(500, "EUR", new PaymentSource(wallet.Id)), null, default)).Payment!;
        var check = new PaymentLedgerCheck(database, ledger, clock);
        Assert.Empty(await check.FindDisagreementsAsync(Merchant, default));

        // The payment document says released (as the expiry defect left it) while the ledger keeps the hold.
        var container = database.GetContainer(PaymentStore.ContainerName);
        var stored = (await container.ReadItemAsync<Payment>(held.Id, new PartitionKey(Merchant))).Resource;
        await container.ReplaceItemAsync(stored with { Status = PaymentStatus.Canceled, Holds = [stored.Holds[0] with { State = HoldState.Released }] }, held.Id);
        var charged = (await container.ReadItemAsync<Payment>(automatic.Id, new PartitionKey(Merchant))).Resource;
        await container.ReplaceItemAsync(charged with { AmountCaptured = 499 }, automatic.Id);

        var found = await check.FindDisagreementsAsync(Merchant, default);
        Assert.Equal(2, found.Count);
        Assert.Contains(found, f => f.Contains(held.Id, StringComparison.Ordinal) && f.Contains("hold 0 is Released", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains(automatic.Id, StringComparison.Ordinal) && f.Contains("captured 499", StringComparison.Ordinal));
    }
}
