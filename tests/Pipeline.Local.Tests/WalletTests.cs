using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Idempotency;
using Pipeline.Application.Ledger;

namespace Pipeline.Local.Tests;

/// <summary>Wallets over HTTP: open, top up, pay another wallet, history, isolation between merchants, books balanced.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class WalletTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task A_wallet_is_topped_up_pays_another_and_shows_its_history()
    {
        var (_, key) = await fixture.CreateMerchantAsync();
        var buyer = await OpenAsync(key, "EUR");
        var seller = await OpenAsync(key, "EUR");

        await AssertCreated(await Post(key, $"api/v1/wallets/{buyer}/top-ups", new { amount = 10_000, reference = "card top-up" }));
        await AssertCreated(await Post(key, "api/v1/transfers", new { fromWalletId = buyer, toWalletId = seller, amount = 2_500, currency = "EUR", reference = "invoice 42" }));

        Assert.Equal(7_500, (await BalancesAsync(key, buyer)).GetProperty("available").GetInt64());
        Assert.Equal(2_500, (await BalancesAsync(key, seller)).GetProperty("posted").GetInt64());
        using var entries = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/wallets/{buyer}/entries?limit=1", key));
        var page = await entries.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(10_000, page.GetProperty("entries")[0].GetProperty("balancesAfter").GetProperty("posted").GetInt64());
        using var next = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/wallets/{buyer}/entries?limit=1&after={Uri.EscapeDataString(page.GetProperty("next").GetString()!)}", key));
        var second = await next.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(7_500, second.GetProperty("entries")[0].GetProperty("balancesAfter").GetProperty("posted").GetInt64());
        await AssertBooksBalanced();
    }

    [Fact]
    public async Task Operators_read_the_ledger_behind_a_wallet_and_the_audit_and_merchants_cannot()
    {
        var (_, key) = await fixture.CreateMerchantAsync();
        var wallet = await OpenAsync(key, "EUR");
        using var topUp = await Post(key, $"api/v1/wallets/{wallet}/top-ups", new { amount = 1_234, reference = "r" });
        var transferId = (await topUp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("transferId").GetString();
        using var walletResponse = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/wallets/{wallet}", key));
        var accountId = (await walletResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ledgerAccountId").GetString();

        using var account = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/ledger/accounts/{accountId}", fixture.AdminKey));
        using var transfer = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/ledger/transfers/{transferId}", fixture.AdminKey));
        using var audit = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/ledger/audit", fixture.AdminKey));
        using var asMerchant = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/ledger/audit", key));
        using var unknown = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/ledger/transfers/not-an-id", fixture.AdminKey));

        Assert.Equal(1_234, (await account.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("creditsPosted").GetInt64());
        Assert.Equal(1_234, (await transfer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amount").GetInt64());
        var books = await audit.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(books.GetProperty("balanced").GetBoolean());
        Assert.True(books.GetProperty("currencies").GetProperty("EUR").GetProperty("debits").GetInt64() >= 1_234);
        await AuthTests.AssertProblem(asMerchant, HttpStatusCode.Forbidden, "forbidden");
        await AuthTests.AssertProblem(unknown, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_top_up_and_a_transfer_retried_with_their_key_after_the_answer_was_lost_move_money_once()
    {
        var (merchantId, key) = await fixture.CreateMerchantAsync();
        var buyer = await OpenAsync(key, "EUR");
        var seller = await OpenAsync(key, "EUR");
        var transfer = new { fromWalletId = buyer, toWalletId = seller, amount = 300, currency = "EUR", reference = "invoice 9" };

        var firstTopUp = await SendKeyedAsync(key, $"api/v1/wallets/{buyer}/top-ups", new { amount = 1_000, reference = "r" }, "tu-1");
        var firstTransfer = await SendKeyedAsync(key, "api/v1/transfers", transfer, "tr-1");
        // As if both processes had died after the ledger step: their answers were never stored, so the retries run again.
        await ForgetIdempotencyRecordsAsync(merchantId);
        var retriedTopUp = await SendKeyedAsync(key, $"api/v1/wallets/{buyer}/top-ups", new { amount = 1_000, reference = "r" }, "tu-1");
        var retriedTransfer = await SendKeyedAsync(key, "api/v1/transfers", transfer, "tr-1");

        Assert.Equal(firstTopUp, retriedTopUp);
        Assert.Equal(firstTransfer, retriedTransfer);

        // The same key for another amount, once the record is gone, is refused as a reused key; a refused transfer
        // retried under its key gets its first reason again, not "already failed".
        using (var tooMuch = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/transfers", key, transfer with { amount = 5_000 }, "tr-2")))
        {
            await AuthTests.AssertProblem(tooMuch, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        }

        await ForgetIdempotencyRecordsAsync(merchantId);
        using (var reused = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, $"api/v1/wallets/{buyer}/top-ups", key, new { amount = 2_000, reference = "r" }, "tu-1")))
        {
            await AuthTests.AssertProblem(reused, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        }

        using (var refusedAgain = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/transfers", key, transfer with { amount = 5_000 }, "tr-2")))
        {
            await AuthTests.AssertProblem(refusedAgain, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        }

        Assert.Equal(700, (await BalancesAsync(key, buyer)).GetProperty("posted").GetInt64());
        Assert.Equal(300, (await BalancesAsync(key, seller)).GetProperty("posted").GetInt64());
        await AssertBooksBalanced();
    }

    [Fact]
    public async Task A_transfer_beyond_the_balance_is_insufficient_funds_and_moves_nothing()
    {
        var (_, key) = await fixture.CreateMerchantAsync();
        var buyer = await OpenAsync(key, "EUR");
        var seller = await OpenAsync(key, "EUR");
        await AssertCreated(await Post(key, $"api/v1/wallets/{buyer}/top-ups", new { amount = 100, reference = "r" }));

        using var response = await Post(key, "api/v1/transfers", new { fromWalletId = buyer, toWalletId = seller, amount = 101, currency = "EUR", reference = "too much" });

        await AuthTests.AssertProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(100, (await BalancesAsync(key, buyer)).GetProperty("available").GetInt64());
        Assert.Equal(0, (await BalancesAsync(key, seller)).GetProperty("posted").GetInt64());
    }

    [Fact]
    public async Task An_overdraft_limit_lets_a_wallet_go_below_zero_by_that_much()
    {
        var (_, key) = await fixture.CreateMerchantAsync();
        using var created = await Post(key, "api/v1/wallets", new { owner = new { type = "enterprise", reference = "ACME" }, currency = "EUR", overdraftLimit = 500 });
        var enterprise = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var supplier = await OpenAsync(key, "EUR");

        await AssertCreated(await Post(key, "api/v1/transfers", new { fromWalletId = enterprise, toWalletId = supplier, amount = 500, currency = "EUR", reference = "po 1" }));
        using var beyond = await Post(key, "api/v1/transfers", new { fromWalletId = enterprise, toWalletId = supplier, amount = 1, currency = "EUR", reference = "po 2" });

        await AuthTests.AssertProblem(beyond, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(-500, (await BalancesAsync(key, enterprise)).GetProperty("posted").GetInt64());
    }

    [Fact]
    public async Task Wallets_of_other_merchants_and_other_currencies_are_refused()
    {
        var (_, mine) = await fixture.CreateMerchantAsync();
        var (_, theirs) = await fixture.CreateMerchantAsync();
        var myWallet = await OpenAsync(mine, "EUR");
        var myUsdWallet = await OpenAsync(mine, "USD");
        var theirWallet = await OpenAsync(theirs, "EUR");

        using var read = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/wallets/{theirWallet}", mine));
        using var pay = await Post(mine, "api/v1/transfers", new { fromWalletId = myWallet, toWalletId = theirWallet, amount = 1, currency = "EUR", reference = "x" });
        using var topUp = await Post(mine, $"api/v1/wallets/{theirWallet}/top-ups", new { amount = 1, reference = "x" });
        using var mixed = await Post(mine, "api/v1/transfers", new { fromWalletId = myWallet, toWalletId = myUsdWallet, amount = 1, currency = "EUR", reference = "x" });

        await AuthTests.AssertProblem(read, HttpStatusCode.NotFound, "not_found");
        using var odd = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/wallets/wal_%252F..", mine));
        await AuthTests.AssertProblem(odd, HttpStatusCode.NotFound, "not_found");
        await AuthTests.AssertProblem(pay, HttpStatusCode.NotFound, "not_found");
        await AuthTests.AssertProblem(topUp, HttpStatusCode.NotFound, "not_found");
        await AuthTests.AssertProblem(mixed, HttpStatusCode.UnprocessableEntity, "accounts_must_have_the_same_currency");
    }

    [Theory]
    [InlineData("{\"owner\":{\"type\":\"robot\",\"reference\":\"x\"},\"currency\":\"EUR\"}", HttpStatusCode.BadRequest, "malformed_json")]
    [InlineData("{\"owner\":{\"type\":\"customer\",\"reference\":\"\"},\"currency\":\"EUR\"}", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    [InlineData("{\"owner\":{\"type\":\"customer\",\"reference\":\"x\"},\"currency\":\"EURO\"}", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    [InlineData("{\"owner\":{\"type\":\"customer\",\"reference\":\"x\"},\"currency\":\"EUR\",\"overdraftLimit\":-1}", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    public async Task Bad_wallets_are_refused(string body, HttpStatusCode status, string code)
    {
        var (_, key) = await fixture.CreateMerchantAsync();
        using var response = await Post(key, "api/v1/wallets", body);

        await AuthTests.AssertProblem(response, status, code);
    }

    private async Task<string> OpenAsync(string key, string currency)
    {
        using var response = await Post(key, "api/v1/wallets", new { owner = new { type = "customer", reference = "cust-" + Guid.NewGuid() }, currency });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> BalancesAsync(string key, string wallet)
    {
        using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/wallets/{wallet}", key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("balances");
    }

    private Task<HttpResponseMessage> Post(string key, string path, object body) =>
        fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, path, key, body));

    private static async Task AssertCreated(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }
    }

    private async Task<string> SendKeyedAsync(string key, string path, object body, string idempotencyKey)
    {
        using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, path, key, body, idempotencyKey));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False(response.Headers.Contains("Idempotent-Replayed"));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("transferId").GetString()!;
    }

    private async Task ForgetIdempotencyRecordsAsync(string merchantId)
    {
        var container = fixture.Host.App.Services.GetRequiredService<Database>().GetContainer(IdempotencyStore.ContainerName);
        using var records = container.GetItemQueryIterator<JsonElement>(new QueryDefinition("SELECT c.id, c.scope FROM c WHERE CONTAINS(c.scope, @merchant)").WithParameter("@merchant", merchantId));
        while (records.HasMoreResults)
        {
            foreach (var record in await records.ReadNextAsync())
            {
                await container.DeleteItemAsync<JsonElement>(record.GetProperty("id").GetString(), new PartitionKey(record.GetProperty("scope").GetString()));
            }
        }
    }

    private async Task AssertBooksBalanced()
    {
        var audit = await fixture.Host.App.Services.GetRequiredService<ILedgerStore>().AuditAsync();
        Assert.True(audit.Balanced);
    }
}
