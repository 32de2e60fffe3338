using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pipeline.Local.Tests;

/// <summary>Payments under concurrent requests over HTTP: one effect per transition, never more money than there is.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class PaymentConcurrencyTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task Of_50_concurrent_captures_of_one_payment_exactly_one_succeeds()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(10_000);
        var id = (await client.PayAsync(wallet, 6_000, "manual")).GetProperty("id").GetString()!;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => SendAsync(client, $"api/v1/payments/{id}/capture", new { amount = 1_000 + i })));

        var captured = Assert.Single(outcomes, o => o.Status == HttpStatusCode.OK);
        Assert.All(outcomes.Where(o => o.Status != HttpStatusCode.OK), o => Assert.Equal((HttpStatusCode.Conflict, "payment_not_capturable"), (o.Status, o.Code)));
        var amount = captured.Body.GetProperty("amountCaptured").GetInt64();
        var payment = await client.PaymentAsync(id);
        Assert.Equal(amount, payment.GetProperty("amountCaptured").GetInt64());
        Assert.Equal((10_000 - amount, 0, 10_000 - amount), await client.BalancesAsync(wallet));
        await client.AssertBooksBalancedAsync();
    }

    [Fact]
    public async Task Of_20_concurrent_payments_on_a_wallet_that_affords_10_exactly_10_succeed()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(10_000);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            SendAsync(client, "api/v1/payments", new { amount = 1_000, currency = "EUR", source = new { walletId = wallet }, captureMethod = i % 2 == 0 ? "automatic" : "manual" })));

        Assert.Equal(10, outcomes.Count(o => o.Status == HttpStatusCode.Created));
        Assert.All(outcomes.Where(o => o.Status != HttpStatusCode.Created), o => Assert.Equal((HttpStatusCode.PaymentRequired, "insufficient_funds"), (o.Status, o.Code)));
        var (available, pending, posted) = await client.BalancesAsync(wallet);
        Assert.Equal(0, available);
        Assert.Equal(10_000, pending + (10_000 - posted));
        var page = await client.GetAsync("api/v1/payments?status=declined&limit=100");
        Assert.Equal(10, page.GetProperty("payments").GetArrayLength());
        await client.AssertBooksBalancedAsync();
    }

    [Fact]
    public async Task Refunds_racing_a_capture_never_give_back_more_than_was_captured()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(10_000);
        var id = (await client.PayAsync(wallet, 1_000, "manual")).GetProperty("id").GetString()!;

        var capture = SendAsync(client, $"api/v1/payments/{id}/capture", new { amount = 600 });
        var refunds = Enumerable.Range(0, 8).Select(_ => SendAsync(client, $"api/v1/payments/{id}/refunds", new { amount = 200 })).ToList();
        var outcomes = await Task.WhenAll(refunds.Prepend(capture));

        Assert.Equal(HttpStatusCode.OK, outcomes[0].Status);
        var granted = outcomes.Skip(1).Count(o => o.Status == HttpStatusCode.Created);
        Assert.InRange(granted, 0, 3);
        Assert.All(outcomes.Skip(1).Where(o => o.Status != HttpStatusCode.Created), o => Assert.Contains(o.Code, new[] { "payment_not_refundable", "amount_exceeds_refundable" }));
        var payment = await client.PaymentAsync(id);
        Assert.Equal(granted * 200, payment.GetProperty("amountRefunded").GetInt64());
        Assert.Equal(10_000 - 600 + (granted * 200), (await client.BalancesAsync(wallet)).Posted);

        // Whatever raced, what is left can be refunded exactly once more, in full.
        var rest = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => SendAsync(client, $"api/v1/payments/{id}/refunds", null)));
        Assert.Equal(granted < 3 ? 1 : 0, rest.Count(o => o.Status == HttpStatusCode.Created));
        Assert.Equal("refunded", (await client.PaymentAsync(id)).GetProperty("status").GetString());
        Assert.Equal((10_000, 0, 10_000), await client.BalancesAsync(wallet));
        await client.AssertBooksBalancedAsync();
    }

    [Fact]
    public async Task A_cancel_racing_a_capture_leaves_one_of_them_done_and_the_wallet_whole()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(5_000);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await client.PayAsync(wallet, 1_000, "manual")).GetProperty("id").GetString()!);
        }

        var outcomes = await Task.WhenAll(ids.SelectMany(id => new[] { SendAsync(client, $"api/v1/payments/{id}/capture", null), SendAsync(client, $"api/v1/payments/{id}/cancel", null) }));

        for (var i = 0; i < ids.Count; i++)
        {
            var (capture, cancel) = (outcomes[2 * i], outcomes[(2 * i) + 1]);
            Assert.True(capture.Status == HttpStatusCode.OK ^ cancel.Status == HttpStatusCode.OK, $"{capture.Status} {cancel.Status}");
            var status = (await client.PaymentAsync(ids[i])).GetProperty("status").GetString();
            Assert.Equal(capture.Status == HttpStatusCode.OK ? "succeeded" : "canceled", status);
        }

        var captured = outcomes.Where((o, i) => i % 2 == 0 && o.Status == HttpStatusCode.OK).Count() * 1_000L;
        Assert.Equal((5_000 - captured, 0, 5_000 - captured), await client.BalancesAsync(wallet));
        await client.AssertBooksBalancedAsync();
    }

    private static async Task<(HttpStatusCode Status, string? Code, JsonElement Body)> SendAsync(PaymentClient client, string path, object? body)
    {
        using var response = await client.PostAsync(path, body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var code = json.TryGetProperty("code", out var c) ? c.GetString() : null;
        Assert.True((int)response.StatusCode < 500, json.ToString());
        return (response.StatusCode, code, json);
    }
}
