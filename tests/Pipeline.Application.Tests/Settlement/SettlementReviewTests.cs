using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Merchants;
using Pipeline.Application.Payments;
using Pipeline.Application.Settlement;
using Pipeline.Application.Tests.Payments;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Tests.Settlement;

/// <summary>
/// An adversarial review of daily settlement: each test reproduces one defect (it fails until the defect is fixed).
/// Processes are modelled as in <see cref="SettlementProtocolTests"/>: their own stores and clocks on one database, and
/// a kill between two writes as <see cref="DyingLedger"/>.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class SettlementReviewTests(CosmosFixture cosmos)
{
    /// <summary>25 currencies: a round of all of them writes 25 × 4 + 1 = 101 operations in its last batch.</summary>
    private static readonly string[] ManyCurrencies =
    [
        "AED", "AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF", "ILS",
        "INR", "MXN", "NOK", "NZD", "PLN", "RON", "SEK", "SGD", "THB", "TRY", "USD", "ZAR",
    ];

    /// <summary>
    /// The position a merchant is settled to is its last capture or refund; its own settlement.completed and
    /// payout.created events always follow it in the log. After 30 days without a capture those (non-item) events have
    /// expired, and the retention check takes the gap for captures lost: every run throws, for ever.
    /// </summary>
    [Fact]
    public async Task A_merchant_quiet_for_the_logs_retention_is_settled_again_when_it_next_captures()
    {
        var world = await SettlementWorld.CreateAsync(cosmos);
        await world.PayAsync(10_000);
        Assert.Equal(new MerchantSettled(1, 1), await world.SettleAsync(SettlementWorld.Day1));
        await world.RelayAsync(); // Its settlement.completed and payout.created: logged after the settled position.

        world.Clock.Advance(TimeSpan.FromDays(31));
        await ExpireLoggedEventsAsync(world); // What the log's 30-day ttl has done meanwhile: nothing unsettled was lost.
        await world.PayAsync(5_000);

        var error = await Record.ExceptionAsync(() => world.SettleAsync(SettlementWorld.Day1.AddDays(31), runId: "run_after_a_quiet_month"));
        Assert.True(error is null, $"The merchant cannot be settled any more: {error?.Message}");
        Assert.Equal(5_000, (await world.SettlementsAsync())[^1].Totals.CapturedMinor);
    }

    /// <summary>
    /// A busy day in 25 currencies is settled in two rounds (20 + 5), whose reserve tranches all fall due on one date.
    /// The release round then takes every due currency, unbounded: 25 settlements, 25 payouts and their events plus the
    /// state are 101 operations, over a transactional batch's 100. The round stays pending for ever, and every run
    /// moves its reserves to payout clearing again (idempotently) without a payout document to pay them.
    /// </summary>
    [Fact]
    public async Task A_reserve_held_in_more_currencies_than_a_round_takes_is_released_and_paid_out()
    {
        var world = await SettlementWorld.CreateAsync(cosmos, new SettlementSettings("UTC", "24:00", 1_000, 2, null));
        var wallets = new WalletStore(world.Database, world.Ledger, world.Clock);
        foreach (var code in ManyCurrencies)
        {
            var wallet = await wallets.CreateAsync(world.MerchantId, new WalletOwner(OwnerType.Customer, "c-" + code), Currency.Parse(code), 0, default);
            await wallets.TopUpAsync(world.MerchantId, wallet, 100_000, LedgerId.FromName("top-up:" + code), default);
            world.Clock.Advance(TimeSpan.FromSeconds(1));
            var paid = await world.Payments.CreateAsync(world.MerchantId, new CreatePaymentRequest(10_000, code, new PaymentSource(wallet.Id)), null, default);
            Assert.Null(paid.Refusal);
        }

        Assert.Equal(new MerchantSettled(25, 25), await world.SettleAsync(SettlementWorld.Day1));
        Assert.All((await world.Settler().ReadStateAsync(world.MerchantId, default)).Reserves, t => Assert.Equal(SettlementWorld.Day1.AddDays(2), t.ReleaseOn));

        world.Clock.Advance(TimeSpan.FromDays(2));
        var error = await Record.ExceptionAsync(() => world.SettleAsync(SettlementWorld.Day1.AddDays(2), runId: "run_release"));
        var state = await world.Settler().ReadStateAsync(world.MerchantId, default);
        Assert.True(error is null && state.Pending is null && state.Reserves.Count == 0,
            $"The release round of {state.Pending?.Currencies.Count} currencies (bound {SettlementLimits.CurrenciesPerRoundMax}) never completes: {error?.Message}");
    }

    /// <summary>
    /// ReturnPayoutAsync books the money back (clearing to revenue) before it records anything: killed right after, the
    /// payout still shows created, the state owes nothing, and no run or sweep ever finds the money. Only a repeat of the
    /// admin's request would (the ledger audit balances throughout, so nothing flags it).
    /// </summary>
    [Fact]
    public async Task A_return_killed_after_its_ledger_transfer_is_still_owed_and_paid_again()
    {
        var world = await SettlementWorld.CreateAsync(cosmos);
        await world.PayAsync(10_000);
        await world.SettleAsync(SettlementWorld.Day1);
        var payout = Assert.Single(await world.PayoutsAsync());

        var dying = new SettlementStore(world.Database, new SettlementLedger(new DyingLedger(world.Ledger, 1, afterApplying: true)), world.Clock);
        await Assert.ThrowsAsync<ProcessDiedException>(() => dying.ReturnPayoutAsync(payout.Id, "AC04 account closed", default));

        world.Clock.Advance(TimeSpan.FromDays(1));
        await world.SettleAsync(SettlementWorld.Day1.AddDays(1), runId: "run_next_day");
        await world.AssertConsistentAsync();
        var status = (await world.Store.GetPayoutAsync(world.MerchantId, payout.Id, default))!.Status;
        Assert.Equal((PayoutStatus.Returned, 0L, 9_680L), (status, await world.PostedAsync(world.Revenue), await world.PostedAsync(SettlementWorld.Clearing)));
    }

    /// <summary>
    /// The pricing schedule keeps the newest 20 rules per currency by count, not by age: 20 saves of a price (even the
    /// same price, as a deployment script re-applying its configuration does) drop the rule a capture not yet settled
    /// was made under, and it is settled (and shown) with no fee at all.
    /// </summary>
    [Fact]
    public async Task A_capture_keeps_its_price_however_often_the_price_is_saved_before_it_is_settled()
    {
        var world = await SettlementWorld.CreateAsync(cosmos);
        await world.PayAsync(10_000); // 290 + 30 under the price in force.
        for (var i = 0; i < 25; i++)
        {
            world.Clock.Advance(TimeSpan.FromSeconds(1));
            await world.Merchants.SetPricingAsync(world.MerchantId, new Pricing(290, 30, "EUR"), default);
        }

        await world.SettleAsync(SettlementWorld.Day1);
        Assert.Equal(320, Assert.Single(await world.SettlementsAsync()).Totals.FeesMinor);
    }

    /// <summary>
    /// A price takes effect from the clock of the request that sets it. One whose clock read was earlier than the
    /// settlement of a capture (a clock behind, or a request paused between reading the clock and its write, across an
    /// intraday run) reprices, as shown, a capture already settled under the old price.
    /// </summary>
    [Fact]
    public async Task A_price_set_after_a_settlement_does_not_change_the_fee_shown_for_what_it_settled()
    {
        var world = await SettlementWorld.CreateAsync(cosmos);
        var payment = await world.PayAsync(10_000);
        await world.SettleAsync(SettlementWorld.Day1);
        var settled = Assert.Single(await world.SettlementsAsync()).Totals.FeesMinor;

        // The admin's request read its clock just before the capture, and its write lands after the (intraday) run.
        var admin = new MerchantStore(world.Database, new FakeTimeProvider(payment.CapturedAt!.Value.AddMilliseconds(-1)));
        await admin.SetPricingAsync(world.MerchantId, new Pricing(100, 0, "EUR"), default);

        var pricing = (await world.Merchants.GetTermsAsync(world.MerchantId, default))!.Pricing;
        var shown = (await world.Payments.GetAsync(world.MerchantId, payment.Id, default))!.WithFee(pricing).Fee;
        Assert.Equal(settled, shown);
    }

    /// <summary>
    /// POST /settlements/runs accepts a date one day ahead of UTC (for merchants east of it). For a merchant whose day
    /// has not begun, the cut-off is clamped to the run, but reserve tranches falling due on that date are released a
    /// day early.
    /// </summary>
    [Fact]
    public async Task A_run_for_tomorrow_does_not_release_a_reserve_before_its_day()
    {
        var world = await SettlementWorld.CreateAsync(cosmos, new SettlementSettings("UTC", "24:00", 1_000, 2, null));
        await world.PayAsync(10_000);
        await world.SettleAsync(SettlementWorld.Day1); // 1,000 held until 3 December.

        world.Clock.Advance(TimeSpan.FromDays(1)); // 2 December, 10:00 UTC: the route takes a run for 3 December.
        await world.SettleAsync(SettlementWorld.Day1.AddDays(2), runId: "run_for_tomorrow");
        Assert.Equal(1_000, await world.PostedAsync(world.Reserve));
    }

    /// <summary>
    /// A reserve is computed on the round's captured sum, which is up to 50,000 captures of up to 10^12 each, but
    /// <see cref="FeeRule.PercentOf"/> multiplies by the basis points unchecked, safe only up to 9.2 × 10^14 at 100 %.
    /// 10,000 captures of 10^12 VND (about 40,000 USD each) under a 10 % reserve wrap to a negative reserve: none is held.
    /// </summary>
    [Fact]
    public void A_reserve_on_a_large_round_does_not_overflow()
    {
        var items = Enumerable.Range(0, 10_000)
            .Select(i => new SettlementItem(SettlementItemKind.Payment, $"pay_{i}", $"pay_{i}", "VND", AmountLimits.AmountMinorMax, 1))
            .ToList();
        var totals = SettlementCalculation.Settle("stl_large", "VND", items, PricingSchedule.None, new SettlementTerms([], 0, 1_000, 0, "", []), 2).Totals;
        Assert.Equal((10_000_000_000_000_000L, 1_000_000_000_000_000L), (totals.CapturedMinor, totals.ReserveHeldMinor));
    }

    /// <summary>Deletes every event of the merchant's log (the head stays), as their 30-day ttl does.</summary>
    private static async Task ExpireLoggedEventsAsync(SettlementWorld world)
    {
        var events = world.Database.GetContainer(EventLog.ContainerName);
        var partition = new PartitionKey(world.MerchantId);
        var ids = await events.QueryAllAsync<string>(
            new QueryDefinition("SELECT VALUE c.id FROM c WHERE c.position > 0"), new QueryRequestOptions { PartitionKey = partition }, default);
        Assert.NotEmpty(ids);
        foreach (var id in ids)
        {
            using var deleted = await events.DeleteItemStreamAsync(id, partition);
            deleted.EnsureSuccessStatusCode();
        }
    }
}
