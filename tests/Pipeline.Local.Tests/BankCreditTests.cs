using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Pipeline.Application.Devices;
using Pipeline.Application.Settlement;
using Pipeline.Domain.Banking;

namespace Pipeline.Local.Tests;

/// <summary>The bank's credit webhook over HTTP: signed by the bank, once; the credit pays the collection; exceptions listed and resolved.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class BankCreditTests(LocalHostFixture fixture)
{
    private const string Webhook = "api/v1/webhooks/bank/credits";

    [Fact]
    public async Task A_signed_credit_pays_the_collection_into_its_wallet_and_the_same_credit_again_answers_the_same()
    {
        var client = await fixture.PaymentClientAsync();
        var collection = await CreateAsync(client, 125_000, "cust-" + Guid.NewGuid().ToString("N")[..8]);
        var body = CreditBody("TX-" + Guid.NewGuid().ToString("N"), collection.GetProperty("virtualAccount").GetString()!, 125_000, $"Invoice {collection.GetProperty("creditorReference").GetString()}");

        var credit = await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(Signed(body)), HttpStatusCode.OK);
        Assert.Equal(("booked", collection.GetProperty("id").GetString(), "paid"),
            (credit.GetProperty("status").GetString(), credit.GetProperty("collectionId").GetString(), credit.GetProperty("collectionStatus").GetString()));
        // The bank's retry signs again (another second): the same signature twice is a replay, refused.
        var again = await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(Signed(body, timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 10)), HttpStatusCode.OK);
        Assert.Equal(credit.GetProperty("id").GetString(), again.GetProperty("id").GetString());

        var id = collection.GetProperty("id").GetString()!;
        var paid = await client.GetAsync($"api/v1/collections/{id}");
        Assert.Equal("paid", paid.GetProperty("status").GetString());
        var listed = paid.GetProperty("credits").EnumerateArray().Single();
        Assert.Equal((credit.GetProperty("id").GetString(), 125_000L), (listed.GetProperty("creditId").GetString(), listed.GetProperty("amount").GetInt64()));
        var wallet = await client.GetAsync($"api/v1/wallets/{collection.GetProperty("walletId").GetString()}");
        Assert.Equal(125_000, wallet.GetProperty("balances").GetProperty("available").GetInt64());
        var events = await client.EventsAsync(2, TimeSpan.FromSeconds(30), e => e.GetProperty("subject").GetString() == id);
        Assert.Equal(["collection.created", "collection.paid"], events.Select(e => e.GetProperty("type").GetString()));

        var conflicting = await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(Signed(body.Replace("125000", "125001", StringComparison.Ordinal))), HttpStatusCode.Conflict);
        Assert.Equal("bank_transaction_conflict", conflicting.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Forged_stale_replayed_and_unsigned_credits_are_refused_and_change_nothing()
    {
        var client = await fixture.PaymentClientAsync();
        var collection = await CreateAsync(client, 5_000, "cust-" + Guid.NewGuid().ToString("N")[..8]);
        var body = CreditBody("TX-" + Guid.NewGuid().ToString("N"), collection.GetProperty("virtualAccount").GetString()!, 5_000, "x");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var forged = Signed(body, secret: "not-the-bank's-secret-not-the-bank's");
        var stale = Signed(body, timestamp: now - 301);
        var unsigned = new HttpRequestMessage(HttpMethod.Post, Webhook) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var tampered = Signed(body, sendBody: body.Replace("5000", "9000", StringComparison.Ordinal));
        foreach (var request in new[] { forged, stale, unsigned, tampered })
        {
            var refused = await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(request), HttpStatusCode.Unauthorized);
            Assert.Equal("invalid_signature", refused.GetProperty("code").GetString());
        }

        var first = Signed(body, timestamp: now);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.SendAsync(first)).StatusCode);
        var replayed = await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(Signed(body, timestamp: now)), HttpStatusCode.Unauthorized);
        Assert.Contains("replayed", replayed.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var invalid = await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(Signed(CreditBody("TX-" + Guid.NewGuid().ToString("N"), "DE00 0000", -1, "x"))), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("validation_failed", invalid.GetProperty("code").GetString());
        Assert.Equal(5_000, (await client.GetAsync($"api/v1/collections/{collection.GetProperty("id").GetString()}")).GetProperty("amountPaid").GetInt64());
    }

    [Fact]
    public async Task A_credit_nobody_can_place_is_an_exception_the_admin_refunds_with_a_pain001()
    {
        var nobodys = Iban.WithCheckDigits("DE", "370400440999999999"); // under the bank's prefix, never given out
        var transaction = "TX-" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.SendAsync(Signed(CreditBody(transaction, nobodys, 4_200, "Who am I")))).StatusCode);

        using var list = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/reconciliation/exceptions?status=open&limit=100", fixture.AdminKey));
        var page = await PaymentClient.ExpectAsync(list, HttpStatusCode.OK);
        var exception = page.GetProperty("data").EnumerateArray().Single(e => e.GetProperty("bankTransactionId").GetString() == transaction);
        Assert.Equal(("unknown_account", "suspense"), (exception.GetProperty("kind").GetString(), exception.GetProperty("heldIn").GetString()));
        var id = exception.GetProperty("id").GetString()!;

        var merchant = await fixture.PaymentClientAsync();
        using var notTheirs = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/reconciliation/exceptions/{id}", merchant.ApiKey));
        await PaymentClient.ExpectAsync(notTheirs, HttpStatusCode.NotFound);

        using var bad = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, $"api/v1/reconciliation/exceptions/{id}/resolutions", fixture.AdminKey,
            new { action = "refund", reason = "Unknown sender", refundAccount = new { name = "Someone", iban = "DE00 1234" } }));
        Assert.Equal("validation_failed", (await PaymentClient.ExpectAsync(bad, HttpStatusCode.UnprocessableEntity)).GetProperty("code").GetString());

        using var resolve = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, $"api/v1/reconciliation/exceptions/{id}/resolutions", fixture.AdminKey,
            new { action = "refund", reason = "Unknown sender", refundAccount = new { name = "Someone", iban = "DE02 1203 0000 0000 2020 51" } }));
        var resolved = await PaymentClient.ExpectAsync(resolve, HttpStatusCode.OK);
        Assert.Equal(("resolved", "admin"), (resolved.GetProperty("status").GetString(), resolved.GetProperty("resolution").GetProperty("by").GetString()));

        using var file = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/reconciliation/exceptions/{id}/refund-pain001", fixture.AdminKey));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        var xml = await file.Content.ReadAsStringAsync();
        Assert.Empty(Pain001.Validate(xml));
        Assert.Equal("42.00", XDocument.Parse(xml).Descendants().First(e => e.Name.LocalName == "InstdAmt").Value);
    }

    private static async Task<JsonElement> CreateAsync(PaymentClient client, long amount, string payer) =>
        await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/collections",
            new { amount, currency = "EUR", payer = new { name = "ACME Bau GmbH", reference = payer }, dueAt = DateTimeOffset.UtcNow.AddDays(30) }), HttpStatusCode.Created);

    private static string CreditBody(string transaction, string account, long amount, string remittance) => JsonSerializer.Serialize(new
    {
        bankTransactionId = transaction, virtualAccount = account, amount, currency = "EUR", payerName = "ACME Bau GmbH", remittanceInfo = remittance, bookedAt = DateTimeOffset.UtcNow,
    });

    private HttpRequestMessage Signed(string body, long? timestamp = null, string? secret = null, string? sendBody = null)
    {
        var t = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, Webhook) { Content = new StringContent(sendBody ?? body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Bank-Signature", string.Create(CultureInfo.InvariantCulture, $"t={t},v1={RequestSignature.Sign(secret ?? fixture.BankSecret, t, Encoding.UTF8.GetBytes(body))}"));
        return request;
    }
}
