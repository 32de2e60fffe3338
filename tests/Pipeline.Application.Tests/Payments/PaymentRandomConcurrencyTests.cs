using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Payments;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Monetary;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Tests.Payments;

/// <summary>
/// Seeded random operations — payments, captures, increments, cancels, refunds, reads — fired concurrently from
/// several store instances (processes) at a few wallets. Whatever interleaving happens, afterwards every payment
/// must be settled and self-consistent, each wallet must hold exactly what its payments say, and the books balance.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class PaymentRandomConcurrencyTests(CosmosFixture cosmos)
{
    private const string Merchant = "mer_random";
    private const long TopUp = 20_000;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_concurrent_operations_leave_every_wallet_holding_what_its_payments_say(int seed)
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var time = TimeProvider.System;
        var ledger = new CosmosLedgerStore(database, time);
        var wallets = new WalletStore(database, ledger, time);
        var walletIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var wallet = await wallets.CreateAsync(Merchant, new WalletOwner(OwnerType.Customer, $"c{i}"), Currency.Parse("EUR"), 0, default);
            await wallets.TopUpAsync(Merchant, wallet, TopUp, Domain.Ledgers.LedgerId.FromName($"top-up-{seed}-{i}"), default);
            walletIds.Add(wallet.Id);
        }

        // Four processes, each with its own store and ledger instance (own caches), sharing the database.
        var stores = Enumerable.Range(0, 4).Select(_ =>
        {
            var own = new CosmosLedgerStore(database, time);
            return new PaymentStore(database, own, new WalletStore(database, own, time), time, Options.Create(new PaymentOptions()), NullLogger<PaymentStore>.Instance);
        }).ToArray();
        var random = new Random(seed);
        var payments = new List<string>();
        for (var round = 0; round < 6; round++)
        {
            // A few new payments per round, then a burst of operations on random payments, all at once.
            var created = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => stores[i % stores.Length].CreateAsync(Merchant,
                new CreatePaymentRequest(random.Next(1, 4_000), "EUR", new PaymentSource(walletIds[random.Next(walletIds.Count)]),
                    random.Next(3) == 0 ? CaptureMethod.Automatic : CaptureMethod.Manual), null, default)));
            payments.AddRange(created.Select(c => c.Payment!.Id));

            var burst = Enumerable.Range(0, 24).Select(_ =>
            {
                var store = stores[random.Next(stores.Length)];
                var id = payments[random.Next(payments.Count)];
                var amount = random.Next(3) == 0 ? (long?)null : random.Next(1, 2_500);
                return random.Next(6) switch
                {
                    0 => store.RunAsync(Merchant, id, PaymentOperationKind.Capture, amount, null, default),
                    1 => store.RunAsync(Merchant, id, PaymentOperationKind.Increment, amount ?? 100, null, default),
                    2 => store.RunAsync(Merchant, id, PaymentOperationKind.Cancel, null, null, default),
                    3 or 4 => store.RunAsync(Merchant, id, PaymentOperationKind.Refund, amount, null, default),
                    _ => store.GetAsync(Merchant, id, default).ContinueWith(t => new PaymentOutcome(t.Result, null), TaskScheduler.Default),
                };
            });
            await Task.WhenAll(burst);
        }

        var all = (await stores[0].ListAsync(Merchant, null, PaymentLimits.PageSizeMax, null, default)).Payments;
        Assert.Equal(payments.Count, all.Count);

        // The mix really exercised the transitions, not just refusals.
        Assert.Contains(all, p => p.CaptureMethod == CaptureMethod.Manual && p.AmountCaptured > 0);
        Assert.Contains(all, p => p.AmountRefunded > 0);
        Assert.Contains(all, p => p.Status == PaymentStatus.Canceled);
        foreach (var p in all)
        {
            Assert.NotEqual(PaymentStatus.Processing, p.Status);
            Assert.InRange(p.AmountRefunded, 0, p.AmountCaptured);
            Assert.InRange(p.AmountCaptured, 0, p.Amount);
            Assert.Equal(p.AmountCapturable, p.Holds.Where(h => h.State == HoldState.Held).Sum(h => h.Amount));
            Assert.Equal(p.AmountCaptured, p.CaptureMethod == CaptureMethod.Manual ? p.Holds.Sum(h => h.AmountCaptured) : p.AmountCaptured);
            Assert.Equal(p.AmountRefunded, p.Refunds.Sum(r => r.Amount));
            var expectedStatus = p switch
            {
                { AmountCapturable: > 0 } => PaymentStatus.RequiresCapture,
                { AmountRefunded: > 0 } when p.AmountRefunded == p.AmountCaptured => PaymentStatus.Refunded,
                { AmountRefunded: > 0 } => PaymentStatus.PartiallyRefunded,
                _ => p.Status,
            };
            Assert.Equal(expectedStatus, p.Status);
        }

        foreach (var walletId in walletIds)
        {
            var mine = all.Where(p => p.Source.WalletId == walletId).ToList();
            var balances = (await wallets.GetAsync(Merchant, walletId, default))!.Balances;
            Assert.Equal(TopUp - mine.Sum(p => p.AmountCaptured) + mine.Sum(p => p.AmountRefunded), balances.Posted);
            Assert.Equal(mine.Sum(p => p.AmountCapturable), balances.Pending);
            Assert.True(balances.Available >= 0);
        }

        await PaymentAssertions.AssertAgreesWithLedgerAsync(database, ledger, Merchant, time);
    }
}
