using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Ledger;

namespace Pipeline.Local.Tests;

/// <summary>A settlement run whose host is stopped under it, mid-fan-out: the run resumes on the next host and settles each merchant once.</summary>
public sealed class SettlementRestartTests(RestartableHostFixture fixture) : IClassFixture<RestartableHostFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_run_whose_host_restarts_mid_fan_out_resumes_and_settles_each_merchant_once()
    {
        var merchants = new List<PaymentClient>();
        for (var i = 0; i < 24; i++)
        {
            var client = await fixture.PaymentClientAsync();
            using var account = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Put, $"api/v1/merchants/{client.MerchantId}/payout-account", fixture.AdminKey,
                new { name = $"Shop {i}", iban = "BE68539007547034" }));
            await PaymentClient.ExpectAsync(account, System.Net.HttpStatusCode.OK);
            var wallet = await client.OpenWalletAsync(10_000);
            await client.PayAsync(wallet, 1_000 + i, "automatic");
            merchants.Add(client);
        }

        foreach (var client in merchants)
        {
            await client.EventsAsync(1, Within, e => e.GetProperty("type").GetString() == "payment.succeeded");
        }

        var run = await SettlementRunner.StartAsync(fixture, [.. merchants.Select(m => m.MerchantId)]);
        await Task.Delay(300); // Its activities under way (or done: then the restart repeats nothing).
        await fixture.RestartAsync();
        var totals = (await SettlementRunner.CompletedAsync(fixture, run)).GetProperty("totals");
        Assert.True(totals.GetProperty("settlements").GetInt32() <= merchants.Count); // Those settled before the restart are counted by the activity that did them.

        foreach (var (client, i) in merchants.Select((c, i) => (c, i)))
        {
            var settlement = Assert.Single((await client.GetAsync("api/v1/settlements")).GetProperty("settlements").EnumerateArray());
            Assert.Equal(1_000 + i, settlement.GetProperty("capturedAmount").GetInt64());
        }

        Assert.True((await fixture.Host.App.Services.GetRequiredService<ILedgerStore>().AuditAsync()).Balanced);
    }
}
