using System.Net;

namespace Pipeline.Local.Tests;

/// <summary>A host whose authorisation window is 3 seconds, so holds expire while the test watches.</summary>
public sealed class ShortWindowHostFixture : LocalHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } =
        new Dictionary<string, string?> { ["Pipeline:Payments:AuthorizationWindow"] = "00:00:03" };
}

/// <summary>Holds end when the authorisation window passes: the money goes back, the payment shows canceled, a late capture is refused.</summary>
public sealed class PaymentExpiryTests(ShortWindowHostFixture fixture) : IClassFixture<ShortWindowHostFixture>
{
    [Fact]
    public async Task A_hold_and_its_increment_are_released_when_the_window_passes_and_a_late_capture_is_refused()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(1_000);
        var id = (await client.PayAsync(wallet, 600, "manual")).GetProperty("id").GetString()!;
        await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/payments/{id}/increment", new { amount = 100 }), HttpStatusCode.OK);
        Assert.Equal((300, 700, 1_000), await client.BalancesAsync(wallet));

        // The maintenance sweep (every second here) releases both holds in the ledger once they are due.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (await client.BalancesAsync(wallet) != (1_000, 0, 1_000) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal((1_000, 0, 1_000), await client.BalancesAsync(wallet));
        var listed = await client.GetAsync("api/v1/payments?status=canceled");
        Assert.Equal(id, Assert.Single(listed.GetProperty("payments").EnumerateArray()).GetProperty("id").GetString());
        Assert.Empty((await client.GetAsync("api/v1/payments?status=requires_capture")).GetProperty("payments").EnumerateArray());

        using var capture = await client.PostAsync($"api/v1/payments/{id}/capture");
        await AuthTests.AssertProblem(capture, HttpStatusCode.Conflict, "authorization_expired");
        using var increment = await client.PostAsync($"api/v1/payments/{id}/increment", new { amount = 1 });
        await AuthTests.AssertProblem(increment, HttpStatusCode.Conflict, "authorization_expired");
        var payment = await client.PaymentAsync(id);
        Assert.Equal("canceled", payment.GetProperty("status").GetString());
        Assert.Equal("expired", payment.GetProperty("cancellationReason").GetString());
        Assert.Equal(0, payment.GetProperty("amountCaptured").GetInt64());
        Assert.All(payment.GetProperty("holds").EnumerateArray(), h => Assert.Equal("released", h.GetProperty("state").GetString()));
        Assert.Equal((1_000, 0, 1_000), await client.BalancesAsync(wallet));
        await client.AssertBooksBalancedAsync();
    }

    [Fact]
    public async Task Captures_racing_the_expiry_either_capture_or_leave_the_wallet_whole()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(10_000);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add((await client.PayAsync(wallet, 1_000, "manual")).GetProperty("id").GetString()!);
        }

        // Captures spread over the moment the holds fall due: each one either captures or is refused as expired.
        var captures = ids.Select(async (id, i) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(2_400 + (i * 100)));
            using var response = await client.PostAsync($"api/v1/payments/{id}/capture");
            return response.StatusCode;
        });
        var statuses = await Task.WhenAll(captures);

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, s.ToString()));
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        var captured = statuses.Count(s => s == HttpStatusCode.OK) * 1_000L;
        while ((await client.BalancesAsync(wallet)).Pending != 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal((10_000 - captured, 0, 10_000 - captured), await client.BalancesAsync(wallet));
        foreach (var (id, status) in ids.Zip(statuses))
        {
            // Read at once, even while the sweep's expiry of a refused one is still under way: from its window's end a
            // payment shows canceled before, during and after that operation (PaymentRules.Visible).
            var payment = await client.PaymentAsync(id);
            Assert.Equal(status == HttpStatusCode.OK ? "succeeded" : "canceled", payment.GetProperty("status").GetString());
        }

        await client.AssertBooksBalancedAsync();
    }
}
