using System.Net;
using System.Text.Json;

namespace Pipeline.Local.Tests;

/// <summary>Events through the local host: written with each change, relayed by the host's own relay orchestration, read over HTTP.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class EventTests(LocalHostFixture fixture)
{
    private static readonly TimeSpan RelayWithin = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_payments_changes_reach_GET_events_in_order_and_only_its_merchant_sees_them()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(10_000);
        var id = (await client.PayAsync(wallet, 2_000, "manual")).GetProperty("id").GetString()!;
        await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/payments/{id}/capture", new { amount = 1_500 }), HttpStatusCode.OK);

        var events = await client.EventsAsync(2, RelayWithin, of: e => e.GetProperty("subject").GetString() == id);
        Assert.Equal(["payment.requires_capture", "payment.succeeded"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(["0000000000000000001", "0000000000000000002"], events.Select(e => e.GetProperty("sequence").GetString()));
        Assert.All(events, e => Assert.Equal((id, $"/v1/payments/{id}", "1.0"), (e.GetProperty("subject").GetString(), e.GetProperty("source").GetString(), e.GetProperty("specversion").GetString())));
        Assert.Equal(1_500, events[1].GetProperty("data").GetProperty("amountCaptured").GetInt64());

        var eventId = events[1].GetProperty("id").GetString()!;
        var one = await client.GetAsync($"api/v1/events/{eventId}");
        Assert.Equal("payment.succeeded", one.GetProperty("type").GetString());
        var filtered = await client.GetAsync("api/v1/events?type=payment.succeeded");
        Assert.Equal(eventId, Assert.Single(filtered.GetProperty("events").EnumerateArray()).GetProperty("id").GetString());

        var other = await fixture.PaymentClientAsync();
        Assert.Empty((await other.GetAsync("api/v1/events")).GetProperty("events").EnumerateArray());
        using var notTheirs = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/events/{eventId}", other.ApiKey));
        await PaymentClient.ExpectAsync(notTheirs, HttpStatusCode.NotFound);
    }

    /// <summary>A wallet's events: opened, then one per balance change (top-up, hold, capture), numbered 1, 2, 3… and ending at the balances GET shows.</summary>
    [Fact]
    public async Task A_wallets_changes_reach_GET_events_numbered_in_order()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(10_000);
        var id = (await client.PayAsync(wallet, 2_000, "manual")).GetProperty("id").GetString()!;
        await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/payments/{id}/capture", new { amount = 1_500 }), HttpStatusCode.OK);

        var events = await client.EventsAsync(4, RelayWithin, of: e => e.GetProperty("subject").GetString() == wallet);
        var ordered = events.OrderBy(e => e.GetProperty("sequence").GetString(), StringComparer.Ordinal).ToList();
        Assert.Equal(["wallet.created", "wallet.balance_changed", "wallet.balance_changed", "wallet.balance_changed"], ordered.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(["0000000000000000001", "0000000000000000002", "0000000000000000003", "0000000000000000004"], ordered.Select(e => e.GetProperty("sequence").GetString()));
        Assert.All(ordered, e => Assert.Equal($"/v1/wallets/{wallet}", e.GetProperty("source").GetString()));
        Assert.False(ordered[0].TryGetProperty("transferid", out _));
        Assert.All(ordered.Skip(1), e => Assert.False(string.IsNullOrEmpty(e.GetProperty("transferid").GetString())));
        var balances = ordered.Select(e => e.GetProperty("data").GetProperty("balances")).Select(b => (b.GetProperty("available").GetInt64(), b.GetProperty("pending").GetInt64(), b.GetProperty("posted").GetInt64()));
        // Opened empty; topped up; 2,000 held; 1,500 captured and the rest of the hold released.
        Assert.Equal([(0L, 0L, 0L), (10_000L, 0L, 10_000L), (8_000L, 2_000L, 10_000L), (8_500L, 0L, 8_500L)], balances);
        Assert.Equal((8_500L, 0L, 8_500L), await client.BalancesAsync(wallet));

        var subscribed = await client.PostAsync("api/v1/webhook-endpoints", new { url = "https://example.com/hooks", events = new[] { "wallet.balance_changed" } });
        await PaymentClient.ExpectAsync(subscribed, HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("after=-1")]
    [InlineData("after=abc")]
    [InlineData("after=1&after=2")]
    [InlineData("after=99999999999999999999")]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("type=")]
    public async Task A_bad_query_is_a_422_problem(string query)
    {
        var client = await fixture.PaymentClientAsync();
        using var request = fixture.Request(HttpMethod.Get, $"api/v1/events?{query}", client.ApiKey);
        using var response = await fixture.Http.SendAsync(request);
        var problem = await PaymentClient.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Events_need_a_merchant_key()
    {
        using var anonymous = await fixture.Http.GetAsync("api/v1/events");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var unknown = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/events/evt_nope", (await fixture.PaymentClientAsync()).ApiKey));
        Assert.Equal(JsonValueKind.Object, (await PaymentClient.ExpectAsync(unknown, HttpStatusCode.NotFound)).ValueKind);
    }
}
