using System.Net;
using System.Text.Json;

namespace Pipeline.Local.Tests;

/// <summary>Collections over HTTP: created with their instructions, read, canceled once, refused when asked wrong.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class CollectionTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task A_collection_is_created_with_its_instructions_read_and_canceled_once()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(0);
        var due = DateTimeOffset.UtcNow.AddDays(30);
        var created = await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/collections",
            new { amount = 250_000, currency = "EUR", payer = new { name = "ACME Bau GmbH", reference = "cust-42" }, dueAt = due, orderReference = "PO-42", walletId = wallet }),
            HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(("open", 250_000L), (created.GetProperty("status").GetString(), created.GetProperty("amountRemaining").GetInt64()));
        var instructions = created.GetProperty("paymentInstructions");
        Assert.Equal(created.GetProperty("virtualAccount").GetString(), instructions.GetProperty("iban").GetString());
        Assert.StartsWith("RF", instructions.GetProperty("reference").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("BCD\n002\n1\nSCT\n", instructions.GetProperty("epcQrPayload").GetString(), StringComparison.Ordinal);

        Assert.Equal(id, (await client.GetAsync($"api/v1/collections/{id}")).GetProperty("id").GetString());
        var canceled = await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/collections/{id}/cancel"), HttpStatusCode.OK);
        Assert.Equal("canceled", canceled.GetProperty("status").GetString());
        var again = await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/collections/{id}/cancel"), HttpStatusCode.Conflict);
        Assert.Equal("collection_not_cancelable", again.GetProperty("code").GetString());

        var events = await client.EventsAsync(2, TimeSpan.FromSeconds(30), e => e.GetProperty("subject").GetString() == id);
        Assert.Equal(["collection.created", "collection.canceled"], events.Select(e => e.GetProperty("type").GetString()));

        var other = await fixture.PaymentClientAsync();
        using var notTheirs = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/collections/{id}", other.ApiKey));
        await PaymentClient.ExpectAsync(notTheirs, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Collections_are_listed_newest_first_by_status_and_payer_a_page_at_a_time()
    {
        var client = await fixture.PaymentClientAsync();
        var ids = new List<string>();
        foreach (var (payer, amount) in new[] { ("cust-a", 100), ("cust-b", 200), ("cust-a", 300) })
        {
            var created = await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/collections",
                new { amount, currency = "EUR", payer = new { name = "ACME", reference = payer }, dueAt = DateTimeOffset.UtcNow.AddDays(9) }), HttpStatusCode.Created);
            ids.Add(created.GetProperty("id").GetString()!);
        }

        await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/collections/{ids[0]}/cancel"), HttpStatusCode.OK);

        var first = await client.GetAsync("api/v1/collections?limit=2");
        Assert.Equal([ids[2], ids[1]], first.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var second = await client.GetAsync($"api/v1/collections?limit=2&after={Uri.EscapeDataString(first.GetProperty("next").GetString()!)}");
        Assert.Equal([ids[0]], second.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.False(second.TryGetProperty("next", out var more) && more.ValueKind != JsonValueKind.Null, "the last page names no next");

        var open = await client.GetAsync("api/v1/collections?status=open&payerReference=cust-a");
        Assert.Equal([ids[2]], open.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var canceled = await client.GetAsync("api/v1/collections?status=canceled");
        Assert.Equal([ids[0]], canceled.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetString()));

        var other = await fixture.PaymentClientAsync();
        Assert.Empty((await other.GetAsync("api/v1/collections")).GetProperty("data").EnumerateArray());
        using var bad = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/collections?status=PAID", client.ApiKey));
        Assert.Equal("validation_failed", (await PaymentClient.ExpectAsync(bad, HttpStatusCode.UnprocessableEntity)).GetProperty("code").GetString());
    }

    /// <summary>Due in 4 seconds, within its 3-day reminder lead: its orchestration reminds at once, then expires it when due.</summary>
    [Fact]
    public async Task A_collection_not_paid_when_due_is_reminded_then_expired_by_its_orchestration()
    {
        var client = await fixture.PaymentClientAsync();
        var created = await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/collections",
            new { amount = 9_900, currency = "EUR", payer = new { name = "Late GmbH", reference = "cust-late" }, dueAt = DateTimeOffset.UtcNow.AddSeconds(4) }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;

        var events = await client.EventsAsync(3, TimeSpan.FromSeconds(40), e => e.GetProperty("subject").GetString() == id);
        Assert.Equal(["collection.created", "collection.reminder", "collection.expired"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("expired", (await client.GetAsync($"api/v1/collections/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_collection_asked_wrong_is_refused_with_a_problem()
    {
        var client = await fixture.PaymentClientAsync();
        var dollars = await client.OpenWalletAsync(0, "USD");
        var payer = new { name = "ACME", reference = "cust-1" };
        var past = await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/collections", new { amount = 100, currency = "EUR", payer, dueAt = DateTimeOffset.UtcNow.AddDays(-1) }),
            HttpStatusCode.UnprocessableEntity);
        Assert.True(past.GetProperty("errors").TryGetProperty("dueAt", out _));
        var currency = await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/collections",
            new { amount = 100, currency = "EUR", payer, dueAt = DateTimeOffset.UtcNow.AddDays(1), walletId = dollars }), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("currency_mismatch", currency.GetProperty("code").GetString());
        var bad = await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/collections", new { amount = -5, currency = "eur", payer = new { name = "", reference = "" }, dueAt = DateTimeOffset.UtcNow.AddDays(1) }),
            HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["amount", "currency", "payer.name", "payer.reference"], bad.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        Assert.Equal(JsonValueKind.Object, bad.ValueKind);
    }
}
