using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pipeline.Local.Tests;

/// <summary>Payments over HTTP: the lifecycle, every refused transition with its code, listing, isolation, books balanced.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class PaymentTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task A_manual_payment_is_held_incremented_partly_captured_and_refunded_twice()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(10_000);

        var held = await client.PayAsync(wallet, 5_000, "manual", new { order = "A-17" });
        var id = held.GetProperty("id").GetString()!;
        Assert.Equal("requires_capture", held.GetProperty("status").GetString());
        Assert.Equal(5_000, held.GetProperty("amountCapturable").GetInt64());
        Assert.Equal("A-17", held.GetProperty("metadata").GetProperty("order").GetString());
        Assert.True(held.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(6));
        Assert.Equal((5_000, 5_000, 10_000), await client.BalancesAsync(wallet));

        var incremented = await ExpectOk(await client.PostAsync($"api/v1/payments/{id}/increment", new { amount = 1_000 }));
        Assert.Equal(6_000, incremented.GetProperty("amount").GetInt64());
        Assert.Equal(6_000, incremented.GetProperty("amountCapturable").GetInt64());
        Assert.Equal(2, incremented.GetProperty("holds").GetArrayLength());
        Assert.Equal((4_000, 6_000, 10_000), await client.BalancesAsync(wallet));

        // 5,500 of 6,000: all of the first hold, 500 of the second; the other 500 goes back to the wallet at once.
        var captured = await ExpectOk(await client.PostAsync($"api/v1/payments/{id}/capture", new { amount = 5_500 }));
        Assert.Equal("succeeded", captured.GetProperty("status").GetString());
        Assert.Equal(5_500, captured.GetProperty("amountCaptured").GetInt64());
        Assert.Equal(0, captured.GetProperty("amountCapturable").GetInt64());
        Assert.Equal((4_500, 0, 4_500), await client.BalancesAsync(wallet));

        var partly = await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/payments/{id}/refunds", new { amount = 1_500 }), HttpStatusCode.Created);
        Assert.Equal("partially_refunded", partly.GetProperty("status").GetString());
        var fully = await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/payments/{id}/refunds"), HttpStatusCode.Created);
        Assert.Equal("refunded", fully.GetProperty("status").GetString());
        Assert.Equal(5_500, fully.GetProperty("amountRefunded").GetInt64());
        Assert.Equal([1_500, 4_000], fully.GetProperty("refunds").EnumerateArray().Select(r => r.GetProperty("amount").GetInt64()));
        Assert.Equal((10_000, 0, 10_000), await client.BalancesAsync(wallet));

        // Every transition is a ledger transfer the operators can read.
        foreach (var transfer in fully.GetProperty("holds").EnumerateArray().SelectMany(h => new[] { h.GetProperty("transferId"), h.GetProperty("resolvedByTransferId") })
            .Concat(fully.GetProperty("refunds").EnumerateArray().Select(r => r.GetProperty("transferId"))))
        {
            using var read = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/ledger/transfers/{transfer.GetString()}", fixture.AdminKey));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        await client.AssertBooksBalancedAsync();
    }

    [Fact]
    public async Task An_automatic_payment_moves_the_money_at_once_and_is_refunded_in_full()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(1_000);

        var paid = await client.PayAsync(wallet, 400, "automatic");
        Assert.Equal("succeeded", paid.GetProperty("status").GetString());
        Assert.Equal(400, paid.GetProperty("amountCaptured").GetInt64());
        Assert.True(paid.TryGetProperty("chargeTransferId", out _));
        Assert.False(paid.TryGetProperty("expiresAt", out _));
        Assert.Equal((600, 0, 600), await client.BalancesAsync(wallet));

        var refunded = await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/payments/{paid.GetProperty("id").GetString()}/refunds"), HttpStatusCode.Created);
        Assert.Equal("refunded", refunded.GetProperty("status").GetString());
        Assert.Equal((1_000, 0, 1_000), await client.BalancesAsync(wallet));
        await client.AssertBooksBalancedAsync();
    }

    /// <summary>
    /// An automatic payment is answered once the wallet is charged and the payment stored; the merchant's credit
    /// follows in the background. Until then it is in flight in the audit; then the charge reads as an ordinary transfer.
    /// </summary>
    [Fact]
    public async Task An_automatic_payment_is_readable_at_once_and_its_credit_to_the_merchant_follows()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(1_000);

        var paid = await client.PayAsync(wallet, 400, "automatic");
        var read = await client.PaymentAsync(paid.GetProperty("id").GetString()!);
        Assert.Equal(("succeeded", 400L), (read.GetProperty("status").GetString(), read.GetProperty("amountCaptured").GetInt64()));

        var charge = paid.GetProperty("chargeTransferId").GetString()!;
        HttpStatusCode status = default;
        for (var attempt = 0; attempt < 200 && status != HttpStatusCode.OK; attempt++)
        {
            await Task.Delay(attempt == 0 ? 0 : 50);
            using var transfer = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/ledger/transfers/{charge}", fixture.AdminKey));
            status = transfer.StatusCode;
            if (status == HttpStatusCode.OK)
            {
                Assert.Equal(400, (await transfer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amount").GetInt64());
            }
        }

        Assert.Equal(HttpStatusCode.OK, status);
        await client.AssertBooksBalancedAsync();
    }

    [Fact]
    public async Task An_automatic_payment_the_wallet_cannot_afford_is_declined_with_402_and_kept()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(100);

        using var response = await client.PostAsync("api/v1/payments", new { amount = 101, currency = "EUR", source = new { walletId = wallet }, captureMethod = "automatic" });
        var problem = await AuthTests.AssertProblem(response, HttpStatusCode.PaymentRequired, "insufficient_funds");

        var declined = await client.PaymentAsync(problem.GetProperty("paymentId").GetString()!);
        Assert.Equal(("declined", "insufficient_funds", 0L), (declined.GetProperty("status").GetString(), declined.GetProperty("declineCode").GetString(), declined.GetProperty("amountCaptured").GetInt64()));
        Assert.Equal((100, 0, 100), await client.BalancesAsync(wallet));
        await client.AssertBooksBalancedAsync();
    }

    [Fact]
    public async Task A_wallet_that_cannot_pay_is_declined_with_402_and_the_declined_payment_is_kept()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(100);

        using var response = await client.PostAsync("api/v1/payments", new { amount = 101, currency = "EUR", source = new { walletId = wallet }, captureMethod = "manual" });
        var problem = await AuthTests.AssertProblem(response, HttpStatusCode.PaymentRequired, "insufficient_funds");

        var declined = await client.PaymentAsync(problem.GetProperty("paymentId").GetString()!);
        Assert.Equal("declined", declined.GetProperty("status").GetString());
        Assert.Equal("insufficient_funds", declined.GetProperty("declineCode").GetString());
        Assert.Equal((100, 0, 100), await client.BalancesAsync(wallet));

        var held = await client.PayAsync(wallet, 100, "manual");
        using var increment = await client.PostAsync($"api/v1/payments/{held.GetProperty("id").GetString()}/increment", new { amount = 1 });
        await AuthTests.AssertProblem(increment, HttpStatusCode.PaymentRequired, "insufficient_funds");
        var unchanged = await client.PaymentAsync(held.GetProperty("id").GetString()!);
        Assert.Equal(100, unchanged.GetProperty("amountCapturable").GetInt64());
        Assert.Equal("requires_capture", unchanged.GetProperty("status").GetString());
        await client.AssertBooksBalancedAsync();
    }

    [Fact]
    public async Task Every_transition_the_state_does_not_allow_is_refused_with_its_code_and_changes_nothing()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(100_000);
        var automatic = (await client.PayAsync(wallet, 1_000, "automatic")).GetProperty("id").GetString()!;
        var manual = (await client.PayAsync(wallet, 1_000, "manual")).GetProperty("id").GetString()!;
        var canceled = (await client.PayAsync(wallet, 1_000, "manual")).GetProperty("id").GetString()!;
        await ExpectOk(await client.PostAsync($"api/v1/payments/{canceled}/cancel"));
        var refunded = (await client.PayAsync(wallet, 1_000, "automatic")).GetProperty("id").GetString()!;
        await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/payments/{refunded}/refunds"), HttpStatusCode.Created);
        using var declinedResponse = await client.PostAsync("api/v1/payments", new { amount = 1_000_000, currency = "EUR", source = new { walletId = wallet } });
        var declined = (await AuthTests.AssertProblem(declinedResponse, HttpStatusCode.PaymentRequired, "insufficient_funds")).GetProperty("paymentId").GetString()!;
        var before = await client.BalancesAsync(wallet);

        (string Path, object? Body, HttpStatusCode Status, string Code)[] cases =
        [
            ($"{automatic}/capture", null, HttpStatusCode.Conflict, "payment_not_capturable"),
            ($"{automatic}/increment", new { amount = 1 }, HttpStatusCode.Conflict, "payment_not_incrementable"),
            ($"{automatic}/cancel", null, HttpStatusCode.Conflict, "payment_not_cancelable"),
            ($"{automatic}/refunds", new { amount = 1_001 }, HttpStatusCode.UnprocessableEntity, "amount_exceeds_refundable"),
            ($"{manual}/capture", new { amount = 1_001 }, HttpStatusCode.UnprocessableEntity, "amount_exceeds_capturable"),
            ($"{manual}/refunds", null, HttpStatusCode.Conflict, "payment_not_refundable"),
            ($"{canceled}/capture", null, HttpStatusCode.Conflict, "payment_not_capturable"),
            ($"{canceled}/increment", new { amount = 1 }, HttpStatusCode.Conflict, "payment_not_incrementable"),
            ($"{canceled}/cancel", null, HttpStatusCode.Conflict, "payment_not_cancelable"),
            ($"{canceled}/refunds", null, HttpStatusCode.Conflict, "payment_not_refundable"),
            ($"{refunded}/refunds", new { amount = 1 }, HttpStatusCode.Conflict, "payment_not_refundable"),
            ($"{refunded}/capture", null, HttpStatusCode.Conflict, "payment_not_capturable"),
            ($"{declined}/capture", null, HttpStatusCode.Conflict, "payment_not_capturable"),
            ($"{declined}/refunds", null, HttpStatusCode.Conflict, "payment_not_refundable"),
            ($"{declined}/cancel", null, HttpStatusCode.Conflict, "payment_not_cancelable"),
            ($"{manual}/capture", new { amount = 0 }, HttpStatusCode.UnprocessableEntity, "validation_failed"),
            ($"{manual}/increment", null, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type"),
            ($"{manual}/refunds", new { amount = 1, reason = "x" }, HttpStatusCode.BadRequest, "malformed_json"),
            ($"{manual}/cancel", new { now = true }, HttpStatusCode.BadRequest, "malformed_json"),
            ("pay_000000000000000000000000/capture", null, HttpStatusCode.NotFound, "not_found"),
        ];
        foreach (var (path, body, status, code) in cases)
        {
            using var response = await client.PostAsync($"api/v1/payments/{path}", body);
            await AuthTests.AssertProblem(response, status, code);
        }

        Assert.Equal(before, await client.BalancesAsync(wallet));
        Assert.Equal("requires_capture", (await client.PaymentAsync(manual)).GetProperty("status").GetString());
        Assert.Equal(1_000, (await client.PaymentAsync(automatic)).GetProperty("amountCaptured").GetInt64());
        await client.AssertBooksBalancedAsync();
    }

    [Theory]
    [InlineData("{\"amount\":0,\"currency\":\"EUR\",\"source\":{\"walletId\":\"w\"}}", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    [InlineData("{\"amount\":1000000000001,\"currency\":\"EUR\",\"source\":{\"walletId\":\"w\"}}", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    [InlineData("{\"amount\":1,\"currency\":\"eur\",\"source\":{\"walletId\":\"w\"}}", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    [InlineData("{\"amount\":1,\"currency\":\"EUR\",\"source\":{}}", HttpStatusCode.BadRequest, "malformed_json")]
    [InlineData("{\"amount\":1,\"currency\":\"EUR\",\"source\":{\"walletId\":\"w\"},\"captureMethod\":\"later\"}", HttpStatusCode.BadRequest, "malformed_json")]
    [InlineData("{\"amount\":1,\"currency\":\"EUR\",\"source\":{\"walletId\":\"w\"},\"tip\":5}", HttpStatusCode.BadRequest, "malformed_json")]
    [InlineData("{\"amount\":1,\"currency\":\"EUR\",\"source\":{\"walletId\":\"w\"},\"reference\":\"\"}", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    [InlineData("{\"amount\":1,\"currency\":\"EUR\",\"source\":{\"walletId\":\"w\"},\"metadata\":{\"k\":1}}", HttpStatusCode.BadRequest, "malformed_json")]
    [InlineData("{\"amount\":1,\"currency\":\"EUR\",\"source\":{\"walletId\":\"nowhere\"}}", HttpStatusCode.NotFound, "not_found")]
    [InlineData("{\"amount\":1,\"currency\":\"EUR\",\"source\":{\"walletId\":\"w\"},\"metadata\":{\"k\":null}}", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    public async Task Bad_payments_are_refused_and_create_nothing(string body, HttpStatusCode status, string code)
    {
        var client = await fixture.PaymentClientAsync();
        using var response = await client.PostAsync("api/v1/payments", body);

        await AuthTests.AssertProblem(response, status, code);
        Assert.Empty((await client.GetAsync("api/v1/payments")).GetProperty("payments").EnumerateArray());
    }

    [Fact]
    public async Task Too_much_metadata_a_wallet_in_another_currency_and_another_merchants_payment_are_refused()
    {
        var client = await fixture.PaymentClientAsync();
        var other = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(1_000);
        var usd = await client.OpenWalletAsync(1_000, "USD");
        var theirs = await other.OpenWalletAsync(1_000);
        var theirPayment = (await other.PayAsync(theirs, 10, "manual")).GetProperty("id").GetString()!;
        var metadata = Enumerable.Range(0, 21).ToDictionary(i => $"k{i}", i => "v");

        using var tooMuch = await client.PostAsync("api/v1/payments", new { amount = 1, currency = "EUR", source = new { walletId = wallet }, metadata });
        using var mixed = await client.PostAsync("api/v1/payments", new { amount = 1, currency = "EUR", source = new { walletId = usd } });
        using var foreignWallet = await client.PostAsync("api/v1/payments", new { amount = 1, currency = "EUR", source = new { walletId = theirs } });
        using var foreignCapture = await client.PostAsync($"api/v1/payments/{theirPayment}/capture");
        using var foreignRead = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/payments/{theirPayment}", client.ApiKey));

        await AuthTests.AssertProblem(tooMuch, HttpStatusCode.UnprocessableEntity, "validation_failed");
        await AuthTests.AssertProblem(mixed, HttpStatusCode.UnprocessableEntity, "currency_mismatch");
        await AuthTests.AssertProblem(foreignWallet, HttpStatusCode.NotFound, "not_found");
        await AuthTests.AssertProblem(foreignCapture, HttpStatusCode.NotFound, "not_found");
        await AuthTests.AssertProblem(foreignRead, HttpStatusCode.NotFound, "not_found");
        Assert.Equal("requires_capture", (await other.PaymentAsync(theirPayment)).GetProperty("status").GetString());
        Assert.Empty((await client.GetAsync("api/v1/payments")).GetProperty("payments").EnumerateArray());
        await client.AssertBooksBalancedAsync();
    }

    [Fact]
    public async Task Malformed_payment_requests_get_a_problem_and_change_nothing()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(10_000);
        var id = (await client.PayAsync(wallet, 1_000, "manual")).GetProperty("id").GetString()!;
        var paid = (await client.PayAsync(wallet, 1_000, "automatic")).GetProperty("id").GetString()!;
        string[] bodies =
        [
            "{", "[]", "null", "42", "\"x\"", "{\"amount\":}", "{\"amount\":1,}", "{\"amount\":\"1\"}", "{\"amount\":1.5}", "{\"amount\":-1}",
            "{\"amount\":0}", "{\"amount\":99999999999999999999}", "{\"amount\":1,\"extra\":true}", "{/*c*/\"amount\":1}",
            "{\"amount\":1,\"currency\":\"EUR\",\"source\":{\"walletId\":null}}", "{\"amount\":1,\"currency\":\"EUR\",\"source\":[]}",
            "{\"amount\":1,\"currency\":\"EUR\",\"source\":{\"walletId\":\"" + wallet + "\"},\"metadata\":[]}",
            "{\"amount\":1,\"currency\":\"EUR\",\"source\":{\"walletId\":\"" + wallet + "\"},\"captureMethod\":1}",
        ];
        string[] paths = ["api/v1/payments", $"api/v1/payments/{id}/capture", $"api/v1/payments/{id}/increment", $"api/v1/payments/{paid}/refunds", $"api/v1/payments/{id}/cancel"];
        var before = (await client.BalancesAsync(wallet), (await client.PaymentAsync(id)).GetProperty("updatedAt").GetString(), (await client.PaymentAsync(paid)).GetProperty("updatedAt").GetString());

        var outcomes = new List<string>();
        foreach (var path in paths)
        {
            foreach (var body in bodies)
            {
                foreach (var contentType in new[] { "application/json", "text/plain" })
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8) };
                    request.Content.Headers.ContentType = new(contentType);
                    request.Headers.Authorization = new("Bearer", client.ApiKey);
                    using var response = await fixture.Http.SendAsync(request);
                    if ((int)response.StatusCode is < 400 or >= 500 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        outcomes.Add($"{path} [{contentType}] {body} -> {(int)response.StatusCode}");
                    }
                }
            }
        }

        Assert.Empty(outcomes);
        Assert.Equal(before, (await client.BalancesAsync(wallet), (await client.PaymentAsync(id)).GetProperty("updatedAt").GetString(), (await client.PaymentAsync(paid)).GetProperty("updatedAt").GetString()));
        Assert.Equal(2, (await client.GetAsync("api/v1/payments")).GetProperty("payments").GetArrayLength());
    }

    [Fact]
    public async Task Twenty_increments_are_granted_and_declined_ones_do_not_count()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(1_000);
        var id = (await client.PayAsync(wallet, 10, "manual")).GetProperty("id").GetString()!;
        using (var declined = await client.PostAsync($"api/v1/payments/{id}/increment", new { amount = 5_000 }))
        {
            await AuthTests.AssertProblem(declined, HttpStatusCode.PaymentRequired, "insufficient_funds");
        }

        for (var i = 0; i < 20; i++)
        {
            await ExpectOk(await client.PostAsync($"api/v1/payments/{id}/increment", new { amount = 1 }));
        }

        using var beyond = await client.PostAsync($"api/v1/payments/{id}/increment", new { amount = 1 });
        await AuthTests.AssertProblem(beyond, HttpStatusCode.Conflict, "increment_limit_reached");
        var payment = await client.PaymentAsync(id);
        Assert.Equal(30, payment.GetProperty("amountCapturable").GetInt64());
        Assert.Equal(21, payment.GetProperty("holds").GetArrayLength());
        Assert.Equal((970, 30, 1_000), await client.BalancesAsync(wallet));
        await client.AssertBooksBalancedAsync();
    }

    [Theory]
    [InlineData("pay_%252F")]
    [InlineData("%2E%2E")]
    [InlineData("pay_00000000000000000000000G")]
    [InlineData("PAY_000000000000000000000000")]
    public async Task Ids_that_are_not_payment_ids_are_not_found(string id)
    {
        var client = await fixture.PaymentClientAsync();
        using var read = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/payments/{id}", client.ApiKey));
        using var capture = await client.PostAsync($"api/v1/payments/{id}/capture");

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, capture.StatusCode);
    }

    [Fact]
    public async Task Payments_are_listed_newest_first_by_status_page_by_page()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(100_000);
        var created = new List<string>();
        foreach (var (amount, method) in new[] { (1L, "automatic"), (2L, "manual"), (3L, "automatic"), (4L, "manual"), (5L, "automatic") })
        {
            created.Add((await client.PayAsync(wallet, amount, method)).GetProperty("id").GetString()!);
        }

        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await client.GetAsync("api/v1/payments?limit=2" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)));
            Assert.True(page.GetProperty("payments").GetArrayLength() <= 2);
            seen.AddRange(page.GetProperty("payments").EnumerateArray().Select(p => p.GetProperty("id").GetString()!));
            after = page.TryGetProperty("next", out var next) ? next.GetString() : null;
        }
        while (after is not null);

        Assert.Equal(Enumerable.Reverse(created), seen);
        var held = await client.GetAsync("api/v1/payments?status=requires_capture");
        Assert.Equal([created[3], created[1]], held.GetProperty("payments").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Equal(3, (await client.GetAsync("api/v1/payments?status=succeeded")).GetProperty("payments").GetArrayLength());

        foreach (var query in new[] { "status=pending", "limit=0", "limit=101", "limit=x", "after=garbage", "after=12:wal_1" })
        {
            using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/payments?" + query, client.ApiKey));
            await AuthTests.AssertProblem(response, HttpStatusCode.UnprocessableEntity, "validation_failed");
        }

        await client.AssertBooksBalancedAsync();
    }

    [Fact]
    public async Task A_payment_retried_with_its_idempotency_key_is_charged_once()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(1_000);
        var body = new { amount = 300, currency = "EUR", source = new { walletId = wallet } };

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/payments", client.ApiKey, body, idempotencyKey: "order-77"));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }));
        using var replay = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/payments", client.ApiKey, body, idempotencyKey: "order-77"));

        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, r.Item2));
        Assert.Equal((700, 0, 700), await client.BalancesAsync(wallet));
        Assert.Single((await client.GetAsync("api/v1/payments")).GetProperty("payments").EnumerateArray());
        await client.AssertBooksBalancedAsync();
    }

    private static Task<JsonElement> ExpectOk(HttpResponseMessage response) => PaymentClient.ExpectAsync(response, HttpStatusCode.OK);
}
