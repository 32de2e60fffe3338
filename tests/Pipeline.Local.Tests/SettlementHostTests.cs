using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Ledger;
using Pipeline.Application.Settlement;

namespace Pipeline.Local.Tests;

/// <summary>
/// A host of its own: a settlement run settles every merchant of its database, and these tests count them. Prices take
/// effect at once here (the tests price and pay in the same second).
/// </summary>
public sealed class SettlementHostFixture : LocalHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Pipeline:Merchants:PriceTakesEffectAfter"] = "00:00:00",
    };
}

/// <summary>Settlement through the local host: the run orchestration, the reports, the payouts and their SEPA files, over HTTP.</summary>
public sealed class SettlementHostTests(SettlementHostFixture fixture) : IClassFixture<SettlementHostFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_run_settles_each_currency_reports_it_line_by_line_and_a_returned_payout_is_paid_by_the_next_run()
    {
        var (merchantId, client) = await MerchantAsync();
        await AdminAsync(HttpMethod.Put, $"api/v1/merchants/{merchantId}/pricing", new { percentBps = 290, fixedMinor = 30, currency = "EUR" }, HttpStatusCode.OK);
        await AdminAsync(HttpMethod.Put, $"api/v1/merchants/{merchantId}/payout-account", new { name = "Café Müller & Söhne", iban = "de89 3704 0044 0532 0130 00", bic = "cobadeffxxx" }, HttpStatusCode.OK);
        var eur = await client.OpenWalletAsync(100_000);
        var usd = await client.OpenWalletAsync(0, "USD");
        await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/wallets/{usd}/top-ups", new { amount = 50_000, reference = "usd" }), HttpStatusCode.Created);

        var first = (await client.PayAsync(eur, 10_000, "automatic")).GetProperty("id").GetString()!;
        var manual = (await client.PayAsync(eur, 3_000, "manual")).GetProperty("id").GetString()!;
        await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/payments/{manual}/capture", new { amount = 2_000 }), HttpStatusCode.OK);
        await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/payments/{first}/refunds", new { amount = 1_000 }), HttpStatusCode.Created);
        await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/payments", new { amount = 7_000, currency = "USD", source = new { walletId = usd } }), HttpStatusCode.Created);
        var shown = await client.PaymentAsync(first);
        Assert.Equal(320, shown.GetProperty("fee").GetInt64());
        Assert.Equal(JsonValueKind.String, shown.GetProperty("capturedAt").ValueKind);
        await client.EventsAsync(4, Within, e => e.GetProperty("type").GetString()!.StartsWith("payment.", StringComparison.Ordinal)
            && e.GetProperty("type").GetString() != "payment.requires_capture");

        var run = await RunAsync();
        Assert.Equal((2, 2), (run.GetProperty("totals").GetProperty("settlements").GetInt32(), run.GetProperty("totals").GetProperty("payouts").GetInt32()));

        var settlements = (await client.GetAsync("api/v1/settlements")).GetProperty("settlements").EnumerateArray().ToList();
        var euro = settlements.Single(s => s.GetProperty("currency").GetString() == "EUR");
        var dollar = settlements.Single(s => s.GetProperty("currency").GetString() == "USD");
        Assert.Equal((12_000L, 1_000L, 320L + 88L, 10_592L), (euro.GetProperty("capturedAmount").GetInt64(), euro.GetProperty("refundedAmount").GetInt64(),
            euro.GetProperty("feesAmount").GetInt64(), euro.GetProperty("payoutAmount").GetInt64()));
        Assert.Equal(("paid_out", 0L, 7_000L), (dollar.GetProperty("status").GetString(), dollar.GetProperty("feesAmount").GetInt64(), dollar.GetProperty("payoutAmount").GetInt64()));
        var dollarPayout = dollar.GetProperty("payoutId").GetString()!;
        Assert.False((await client.GetAsync($"api/v1/payouts/{dollarPayout}")).GetProperty("sepa").GetBoolean());
        var notSepa = await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/payouts/{dollarPayout}/pain001", client.ApiKey)), HttpStatusCode.Conflict);
        Assert.Equal("payout_not_sepa", notSepa.GetProperty("code").GetString());

        using var csvRequest = fixture.Request(HttpMethod.Get, $"api/v1/settlements/{euro.GetProperty("id").GetString()}", client.ApiKey);
        csvRequest.Headers.Accept.ParseAdd("text/csv");
        using var csv = await fixture.Http.SendAsync(csvRequest);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var rows = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(',')).ToList();
        Assert.Equal(["payment", "fee", "payment", "fee", "refund", "net", "payout", "carried_out"], rows.Select(r => r[1]));
        Assert.Equal(10_592, rows.Take(5).Sum(r => long.Parse(r[5], System.Globalization.CultureInfo.InvariantCulture)));

        var payoutId = euro.GetProperty("payoutId").GetString()!;
        var payout = await client.GetAsync($"api/v1/payouts/{payoutId}");
        Assert.Equal(("created", "DE89370400440532013000", "COBADEFFXXX", true), (payout.GetProperty("status").GetString(),
            payout.GetProperty("account").GetProperty("iban").GetString(), payout.GetProperty("account").GetProperty("bic").GetString(), payout.GetProperty("sepa").GetBoolean()));
        using var file = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/payouts/{payoutId}/pain001", client.ApiKey));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        var xml = await file.Content.ReadAsStringAsync();
        Assert.Empty(Pain001.Validate(xml));
        Assert.Contains("<Nm>Cafe Muller + Sohne</Nm>", xml, StringComparison.Ordinal);

        var returned = await AdminAsync(HttpMethod.Post, $"api/v1/payouts/{payoutId}/returned", new { reason = "AC04 closed account" }, HttpStatusCode.OK);
        Assert.Equal("returned", returned.GetProperty("status").GetString());
        await AdminAsync(HttpMethod.Post, $"api/v1/payouts/{payoutId}/returned", new { reason = "again" }, HttpStatusCode.Conflict);
        var again = await RunAsync();
        Assert.Equal((1, 1), (again.GetProperty("totals").GetProperty("settlements").GetInt32(), again.GetProperty("totals").GetProperty("payouts").GetInt32()));
        var repaid = (await client.GetAsync("api/v1/settlements?status=paid_out&limit=1")).GetProperty("settlements")[0];
        Assert.Equal((10_592L, 10_592L), (repaid.GetProperty("payoutsReturnedAmount").GetInt64(), repaid.GetProperty("payoutAmount").GetInt64()));
        Assert.Equal(0, (await RunAsync()).GetProperty("totals").GetProperty("settlements").GetInt32());
        Assert.True((await fixture.Host.App.Services.GetRequiredService<ILedgerStore>().AuditAsync()).Balanced);
    }

    [Fact]
    public async Task Bad_settlement_input_gets_a_clear_problem_and_changes_nothing()
    {
        var (merchantId, client) = await MerchantAsync();
        var iban = await AdminAsync(HttpMethod.Put, $"api/v1/merchants/{merchantId}/payout-account", new { name = "Shop", iban = "DE89370400440532013001" }, HttpStatusCode.UnprocessableEntity);
        Assert.True(iban.GetProperty("errors").TryGetProperty("iban", out _));
        var settings = await AdminAsync(HttpMethod.Put, $"api/v1/merchants/{merchantId}/settlement-settings",
            new { timeZone = "Mars/Olympus", cutoffLocalTime = "00:00", reservePercentBps = 20_000, minimumPayouts = new Dictionary<string, long> { ["XXX1"] = 5 } }, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["cutoffLocalTime", "minimumPayouts", "reserveDays", "reservePercentBps", "timeZone"], settings.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        var me = await client.GetAsync("api/v1/merchants/me");
        Assert.False(me.TryGetProperty("payoutAccount", out _));
        Assert.Equal("UTC", me.GetProperty("settlement").GetProperty("timeZone").GetString());

        await AdminAsync(HttpMethod.Post, "api/v1/settlements/runs", new { date = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd") }, HttpStatusCode.UnprocessableEntity);
        await AdminAsync(HttpMethod.Post, "api/v1/settlements/runs", new { date = "yesterday" }, HttpStatusCode.BadRequest);
        await AdminAsync(HttpMethod.Get, "api/v1/settlements", null, HttpStatusCode.UnprocessableEntity);
        await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/settlements?merchantId=mer_0123456789abcdef01234567", client.ApiKey)), HttpStatusCode.NotFound);
        await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/settlements?after=nonsense", client.ApiKey)), HttpStatusCode.UnprocessableEntity);
        await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/settlements/stl_nope", client.ApiKey)), HttpStatusCode.NotFound);
        await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/payouts/po_nope/pain001", client.ApiKey)), HttpStatusCode.NotFound);
        await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/settlements/runs", client.ApiKey, new { date = "2026-01-01" })), HttpStatusCode.Forbidden);
    }

    private async Task<(string MerchantId, PaymentClient Client)> MerchantAsync()
    {
        var (id, key) = await fixture.CreateMerchantAsync("Settled");
        return (id, new PaymentClient(fixture.Http, id, key, fixture.Host.App.Services));
    }

    private Task<JsonElement> RunAsync() => SettlementRunner.RunAsync(fixture);

    private async Task<JsonElement> AdminAsync(HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        using var response = await fixture.Http.SendAsync(fixture.Request(method, path, fixture.AdminKey, body));
        return await PaymentClient.ExpectAsync(response, expected);
    }
}
