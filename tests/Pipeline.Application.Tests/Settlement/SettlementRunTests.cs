using System.Text;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Merchants;
using Pipeline.Application.Settlement;
using Pipeline.Application.Tests.Payments;

namespace Pipeline.Application.Tests.Settlement;

/// <summary>Merchants settled on the real Cosmos ledger: what a day pays out, what it carries, and that nothing is settled twice.</summary>
[Collection(CosmosCollection.Name)]
public sealed class SettlementRunTests(CosmosFixture cosmos)
{
    [Fact]
    public async Task A_day_pays_out_captures_less_refunds_and_fees_once_however_often_it_is_run()
    {
        var world = await SettlementWorld.CreateAsync(cosmos);
        var first = await world.PayAsync(10_000); // fee 290 + 30
        await world.PayAsync(5_000); // fee 145 + 30
        await world.RefundAsync(first.Id, 2_000);

        Assert.Equal(new MerchantSettled(1, 1), await world.SettleAsync(SettlementWorld.Day1));
        var settlement = Assert.Single(await world.SettlementsAsync());
        Assert.Equal((15_000L, 2_000L, 495L, 12_505L, 12_505L, 0L),
            (settlement.Totals.CapturedMinor, settlement.Totals.RefundedMinor, settlement.Totals.FeesMinor, settlement.Totals.NetMinor, settlement.Totals.PayoutMinor, settlement.Totals.CarriedOutMinor));
        Assert.Equal((0L, 495L, 12_505L), (await world.PostedAsync(world.Revenue), await world.PostedAsync(SettlementWorld.Fees), await world.PostedAsync(SettlementWorld.Clearing)));
        var payout = Assert.Single(await world.PayoutsAsync());
        Assert.Equal((12_505L, "DE89370400440532013000", settlement.Id), (payout.AmountMinor, payout.Account.Iban, payout.SettlementId));

        world.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new MerchantSettled(0, 0), await world.SettleAsync(SettlementWorld.Day1, runId: "run_again"));
        Assert.Equal(new MerchantSettled(0, 0), await world.SettleAsync(SettlementWorld.Day1.AddDays(1), runId: "run_next_day"));
        Assert.Single(await world.SettlementsAsync());
        await world.AssertConsistentAsync();

        await world.RelayAsync();
        var events = await world.Log.ListAsync(world.MerchantId, null, 0, 100, default);
        Assert.Contains(events.Events, e => e.Type == SettlementEvents.Completed && e.Subject == settlement.Id);
        Assert.Contains(events.Events, e => e.Type == SettlementEvents.PayoutCreated && e.Subject == payout.Id);
    }

    [Fact]
    public async Task An_intraday_run_settles_what_came_before_it_and_a_later_run_that_day_only_what_came_after()
    {
        var world = await SettlementWorld.CreateAsync(cosmos);
        await world.PayAsync(10_000);
        Assert.Equal(new MerchantSettled(1, 1), await world.SettleAsync(SettlementWorld.Day1));

        await world.PayAsync(3_000); // fee 87 + 30
        Assert.Equal(new MerchantSettled(1, 1), await world.SettleAsync(SettlementWorld.Day1, runId: "run_afternoon"));
        Assert.Equal(new MerchantSettled(0, 0), await world.SettleAsync(SettlementWorld.Day1, runId: "run_evening"));

        var settlements = await world.SettlementsAsync();
        Assert.Equal([9_680L, 2_883L], settlements.Select(s => s.Totals.PayoutMinor));
        Assert.Equal(settlements[0].ToPosition, settlements[1].FromPosition);
        await world.AssertConsistentAsync();
    }

    [Fact]
    public async Task Settlements_are_listed_newest_first_by_date_and_status_a_page_at_a_time()
    {
        var world = await SettlementWorld.CreateAsync(cosmos, new SettlementSettings("UTC", "24:00", 0, 0, new Dictionary<string, long> { ["EUR"] = 5_000 }));
        await world.PayAsync(10_000);
        await world.SettleAsync(SettlementWorld.Day1); // paid out
        await world.PayAsync(1_000);
        await world.SettleAsync(SettlementWorld.Day1, runId: "run_2"); // below the minimum: carried
        world.Clock.Advance(TimeSpan.FromDays(1));
        await world.PayAsync(9_000);
        await world.SettleAsync(SettlementWorld.Day1.AddDays(1), runId: "run_3"); // paid out, with what was carried

        var all = await world.Store.ListAsync(world.MerchantId, null, null, 10, null, default);
        Assert.Equal(["run_3", "run_2", "run_test"], all.Settlements.Select(s => s.RunId));
        Assert.Equal(["run_2", "run_test"], (await world.Store.ListAsync(world.MerchantId, SettlementWorld.Day1, null, 10, null, default)).Settlements.Select(s => s.RunId));
        Assert.Equal(["run_2"], (await world.Store.ListAsync(world.MerchantId, null, "carried", 10, null, default)).Settlements.Select(s => s.RunId));
        Assert.Equal(["run_3", "run_test"], (await world.Store.ListAsync(world.MerchantId, null, "paid_out", 10, null, default)).Settlements.Select(s => s.RunId));

        var pages = new List<string>();
        (long, string)? after = null;
        do
        {
            var page = await world.Store.ListAsync(world.MerchantId, null, null, 1, after, default);
            pages.AddRange(page.Settlements.Select(s => s.RunId));
            after = page.Next is { } next ? NewestFirstCursor.Parse(next, SettlementStore.IsSettlementId) : null;
        }
        while (after is not null);

        Assert.Equal(["run_3", "run_2", "run_test"], pages);
        Assert.Null(await world.Store.GetAsync(world.MerchantId, "stl_000000000000000000000000", default));
        Assert.NotNull(await world.Store.GetAsync(null, all.Settlements[0].Id, default)); // the admin finds it in any partition
        Assert.Null(await world.Store.GetAsync("mer_000000000000000000000000", all.Settlements[0].Id, default)); // not another merchant's
    }

    [Fact]
    public async Task More_refunds_than_captures_carry_a_debt_that_the_next_days_captures_pay_off()
    {
        var world = await SettlementWorld.CreateAsync(cosmos);
        var payment = await world.PayAsync(10_000);
        await world.SettleAsync(SettlementWorld.Day1);

        world.Clock.Advance(TimeSpan.FromDays(1));
        await world.RefundAsync(payment.Id, 10_000);
        Assert.Equal(new MerchantSettled(1, 0), await world.SettleAsync(SettlementWorld.Day1.AddDays(1)));
        Assert.Equal(-10_000, (await world.SettlementsAsync())[^1].Totals.CarriedOutMinor);
        Assert.Equal(-10_000, await world.PostedAsync(world.Revenue));

        world.Clock.Advance(TimeSpan.FromDays(1));
        await world.PayAsync(20_000); // fee 580 + 30
        Assert.Equal(new MerchantSettled(1, 1), await world.SettleAsync(SettlementWorld.Day1.AddDays(2)));
        var last = (await world.SettlementsAsync())[^1];
        Assert.Equal((-10_000L, 9_390L, 0L), (last.Totals.CarriedInMinor, last.Totals.PayoutMinor, last.Totals.CarriedOutMinor));
        Assert.Equal(0, await world.PostedAsync(world.Revenue));
        await world.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_rolling_reserve_is_held_for_its_days_then_released_by_a_run_with_nothing_else_new()
    {
        var world = await SettlementWorld.CreateAsync(cosmos, new SettlementSettings("UTC", "24:00", 1_000, 2, null));
        await world.PayAsync(10_000);
        await world.SettleAsync(SettlementWorld.Day1);
        Assert.Equal((1_000L, 8_680L), (await world.PostedAsync(world.Reserve), await world.PostedAsync(SettlementWorld.Clearing)));
        Assert.Equal(SettlementWorld.Day1.AddDays(2), (await world.SettlementsAsync())[0].ReserveReleaseOn);

        world.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(new MerchantSettled(0, 0), await world.SettleAsync(SettlementWorld.Day1.AddDays(1)));
        world.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(new MerchantSettled(1, 1), await world.SettleAsync(SettlementWorld.Day1.AddDays(2)));

        var release = (await world.SettlementsAsync())[^1];
        Assert.Equal((1_000L, 1_000L, 0L), (release.Totals.ReserveReleasedMinor, release.Totals.PayoutMinor, release.Totals.CapturedMinor));
        Assert.Equal((0L, 9_680L), (await world.PostedAsync(world.Reserve), await world.PostedAsync(SettlementWorld.Clearing)));
        Assert.Equal(new MerchantSettled(0, 0), await world.SettleAsync(SettlementWorld.Day1.AddDays(2), runId: "run_again"));
        await world.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_net_below_the_minimum_is_carried_until_the_payout_reaches_it()
    {
        var world = await SettlementWorld.CreateAsync(cosmos, new SettlementSettings("UTC", "24:00", 0, 0, new Dictionary<string, long> { ["EUR"] = 10_000 }));
        await world.PayAsync(5_000); // net 4,825
        Assert.Equal(new MerchantSettled(1, 0), await world.SettleAsync(SettlementWorld.Day1));

        world.Clock.Advance(TimeSpan.FromDays(1));
        await world.PayAsync(6_000); // net 5,796
        Assert.Equal(new MerchantSettled(1, 1), await world.SettleAsync(SettlementWorld.Day1.AddDays(1)));
        var second = (await world.SettlementsAsync())[^1];
        Assert.Equal((4_825L, 10_621L), (second.Totals.CarriedInMinor, second.Totals.PayoutMinor));
        await world.AssertConsistentAsync();
    }

    [Fact]
    public async Task Without_a_payout_account_the_net_is_withheld_and_carried()
    {
        var world = await SettlementWorld.CreateAsync(cosmos, payoutAccount: false);
        await world.PayAsync(10_000);
        await world.SettleAsync(SettlementWorld.Day1);

        var settlement = Assert.Single(await world.SettlementsAsync());
        Assert.Equal(("no_payout_account", 0L, 9_680L, (string?)null), (settlement.PayoutWithheld, settlement.Totals.PayoutMinor, settlement.Totals.CarriedOutMinor, settlement.PayoutId));
        Assert.Empty(await world.PayoutsAsync());
        Assert.Equal(9_680, await world.PostedAsync(world.Revenue));
        await world.AssertConsistentAsync();
    }

    [Fact]
    public async Task A_payment_logged_after_a_later_one_that_missed_the_cutoff_waits_for_the_next_day()
    {
        var world = await SettlementWorld.CreateAsync(cosmos);
        // Another process whose clock is behind: its payment is stamped before the cut-off but logged after one stamped after it.
        var behind = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 23, 59, 0, TimeSpan.Zero));
        world.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 2, 0, 0, 30, TimeSpan.Zero));
        await world.PayAsync(10_000);
        await world.RelayAsync();
        await world.PayAsync(5_000, PaymentBench.Payments(world.Database, world.Ledger, behind));

        Assert.Equal(new MerchantSettled(0, 0), await world.SettleAsync(SettlementWorld.Day1));
        world.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(new MerchantSettled(1, 1), await world.SettleAsync(SettlementWorld.Day1.AddDays(1)));
        Assert.Equal(15_000, Assert.Single(await world.SettlementsAsync()).Totals.CapturedMinor);
        await world.AssertConsistentAsync();
    }

    [Fact]
    public async Task The_report_as_csv_has_a_row_per_line_that_adds_up_to_its_net_then_the_payout()
    {
        var world = await SettlementWorld.CreateAsync(cosmos);
        var payment = await world.PayAsync(10_000);
        await world.RefundAsync(payment.Id, 1_000);
        await world.SettleAsync(SettlementWorld.Day1);
        var settlement = Assert.Single(await world.SettlementsAsync());

        var csv = Encoding.UTF8.GetString(SettlementCsv.Write(settlement, await world.Store.LinesAsync(settlement, default)));
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(',')).ToList();
        Assert.Equal(["payment", "fee", "refund", "net", "payout", "carried_out"], rows.Select(r => r[1]));
        Assert.Equal(long.Parse(rows[3][5]), rows.Take(3).Sum(r => long.Parse(r[5])));
        Assert.Equal((8_680L, 8_680L), (long.Parse(rows[3][5]), long.Parse(rows[4][5])));
        Assert.All(rows, r => Assert.Equal("EUR", r[6]));
    }
}
