using Pipeline.Application.Merchants;
using Pipeline.Application.Settlement;
using Pipeline.Application.Tests.Payments;

namespace Pipeline.Application.Tests.Settlement;

/// <summary>
/// The settlement protocol under what processes do to it: a run killed between any two of its writes and finished by
/// the next, runs racing on one merchant, a payout the bank sends back.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class SettlementProtocolTests(CosmosFixture cosmos)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_run_killed_around_its_ledger_chain_is_finished_by_the_next_run_exactly_once(bool afterApplying)
    {
        var world = await SettlementWorld.CreateAsync(cosmos, new SettlementSettings("UTC", "24:00", 500, 3, null));
        await world.PayAsync(10_000);
        await world.PayAsync(20_000);

        var dying = world.Settler(new DyingLedger(world.Ledger, 1, afterApplying));
        await Assert.ThrowsAsync<ProcessDiedException>(() => world.SettleAsync(SettlementWorld.Day1, dying, "run_killed"));
        Assert.NotNull((await world.Settler().ReadStateAsync(world.MerchantId, default)).Pending);
        Assert.Empty(await world.SettlementsAsync());

        await world.PayAsync(1_000); // After the killed run: the next run finishes that round first, then settles this in a round of its own.
        Assert.Equal(new MerchantSettled(2, 2), await world.SettleAsync(SettlementWorld.Day1, runId: "run_next"));
        var settlements = await world.SettlementsAsync();
        Assert.Equal(["run_killed", "run_next"], settlements.Select(s => s.RunId));
        Assert.Equal([30_000L, 1_000L], settlements.Select(s => s.Totals.CapturedMinor));
        var fees = 320 + 610 + 59;
        var reserve = 1_500 + 50;
        Assert.Equal((0L, (long)fees, (long)reserve, 31_000L - fees - reserve),
            (await world.PostedAsync(world.Revenue), await world.PostedAsync(SettlementWorld.Fees), await world.PostedAsync(world.Reserve), await world.PostedAsync(SettlementWorld.Clearing)));
        Assert.Null((await world.Settler().ReadStateAsync(world.MerchantId, default)).Pending);
        await world.AssertConsistentAsync();
    }

    [Fact]
    public async Task Runs_racing_on_one_merchant_settle_each_capture_once()
    {
        var world = await SettlementWorld.CreateAsync(cosmos);
        for (var i = 1; i <= 12; i++)
        {
            await world.PayAsync(i * 1_000);
        }

        await world.RelayAsync();
        world.Clock.Advance(TimeSpan.FromSeconds(1));
        var now = Cosmos.CosmosTime.ToMicros(world.Clock.GetUtcNow());
        // Each its own process: its own settler, caches and ledger accounts opened; one database.
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            world.Settler().SettleAsync(world.MerchantId, $"run_{i}", i % 2 == 0 ? SettlementWorld.Day1 : SettlementWorld.Day1.AddDays(1), now, default)));

        Assert.Equal(1, results.Sum(r => r.Settlements));
        var settlement = Assert.Single(await world.SettlementsAsync());
        Assert.Equal(78_000, settlement.Totals.CapturedMinor);
        Assert.Equal(settlement.Totals.PayoutMinor, await world.PostedAsync(SettlementWorld.Clearing));
        Assert.Equal(0, await world.PostedAsync(world.Revenue));
        await world.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_returned_payout_goes_back_to_revenue_once_and_the_next_settlement_pays_it_again()
    {
        var world = await SettlementWorld.CreateAsync(cosmos);
        await world.PayAsync(10_000);
        await world.SettleAsync(SettlementWorld.Day1);
        var payout = Assert.Single(await world.PayoutsAsync());

        var (outcome, returned) = await world.Store.ReturnPayoutAsync(payout.Id, "AC04 account closed", default);
        Assert.Equal(ReturnOutcome.Returned, outcome);
        Assert.Equal((PayoutStatus.Returned, "AC04 account closed"), (returned!.Status, returned.ReturnReason));
        Assert.Equal(ReturnOutcome.AlreadyReturned, (await world.Store.ReturnPayoutAsync(payout.Id, "again", default)).Outcome);
        Assert.Equal((9_680L, 0L), (await world.PostedAsync(world.Revenue), await world.PostedAsync(SettlementWorld.Clearing)));

        Assert.Equal(new MerchantSettled(1, 1), await world.SettleAsync(SettlementWorld.Day1, runId: "run_after_return"));
        var again = (await world.SettlementsAsync())[^1];
        Assert.Equal((9_680L, 9_680L, 0L), (again.Totals.ReturnedMinor, again.Totals.PayoutMinor, again.Totals.CapturedMinor));
        Assert.Equal((0L, 9_680L), (await world.PostedAsync(world.Revenue), await world.PostedAsync(SettlementWorld.Clearing)));
        Assert.Empty((await world.Settler().ReadStateAsync(world.MerchantId, default)).Returned);
        await world.AssertConsistentAsync();

        await world.RelayAsync();
        var events = await world.Log.ListAsync(world.MerchantId, SettlementEvents.PayoutReturned, 0, 10, default);
        Assert.Equal(payout.Id, Assert.Single(events.Events).Subject);
    }

    [Fact]
    public async Task Returns_racing_each_other_book_the_payout_back_once()
    {
        var world = await SettlementWorld.CreateAsync(cosmos);
        await world.PayAsync(10_000);
        await world.SettleAsync(SettlementWorld.Day1);
        var payout = Assert.Single(await world.PayoutsAsync());

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            new SettlementStore(world.Database, new SettlementLedger(world.Ledger), world.Clock).ReturnPayoutAsync(payout.Id, "MS03", default)));

        Assert.Equal(1, outcomes.Count(o => o.Outcome == ReturnOutcome.Returned));
        Assert.Single((await world.Settler().ReadStateAsync(world.MerchantId, default)).Returned);
        Assert.Equal(9_680, await world.PostedAsync(world.Revenue));
        await world.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_payouts_sepa_file_is_valid_against_the_epc_schema_and_names_the_payout()
    {
        var world = await SettlementWorld.CreateAsync(cosmos);
        await world.PayAsync(123_456);
        await world.SettleAsync(SettlementWorld.Day1);
        var payout = Assert.Single(await world.PayoutsAsync());

        var xml = System.Text.Encoding.UTF8.GetString(PayoutFiles.Pain001Of(payout, new SettlementOptions()));
        Assert.Empty(Pain001.Validate(xml));
        Assert.Contains($"<EndToEndId>{PayoutFiles.EpcIdOf(payout.Id)}</EndToEndId>", xml, StringComparison.Ordinal);
        Assert.Contains("<InstdAmt Ccy=\"EUR\">1198.46</InstdAmt>", xml, StringComparison.Ordinal); // 123,456 − (3,580 + 30)
        Assert.Equal(payout.Id, PayoutFiles.PayoutIdOf(PayoutFiles.EpcIdOf(payout.Id)));
    }
}
