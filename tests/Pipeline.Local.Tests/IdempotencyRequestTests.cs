using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Pipeline.Local.Tests;

/// <summary>
/// What counts as "the same request" under an Idempotency-Key (the parsed JSON, not its bytes), and which answers
/// are kept: everything after an effect, nothing refused before one.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class IdempotencyRequestTests(LocalHostFixture fixture)
{
    internal const string Wallet = "{\"owner\":{\"type\":\"customer\",\"reference\":\"C-1\"},\"currency\":\"EUR\",\"overdraftLimit\":0}";

    [Fact]
    public async Task The_same_json_with_its_fields_in_another_order_and_spacing_is_the_same_request()
    {
        var (_, merchantKey) = await fixture.CreateMerchantAsync();
        var key = Guid.NewGuid().ToString();
        var reordered = "{ \"overdraftLimit\" : 0,\n  \"currency\": \"EUR\",\n  \"owner\": { \"reference\": \"C-1\", \"type\": \"customer\" } }";
        using var first = await Send(fixture, "api/v1/wallets", merchantKey, Wallet, key);
        using var second = await Send(fixture, "api/v1/wallets", merchantKey, reordered, key);

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await IdOf(first), await IdOf(second));
    }

    [Theory]
    [InlineData("{\"owner\":{\"type\":\"customer\",\"reference\":\"C-1\"},", "application/json")]
    [InlineData("{\"owner\":{\"type\":\"customer\",\"reference\":\"C-1\"},\"currency\":\"eur\"}", "application/json")]
    [InlineData("{\"owner\":{\"type\":\"customer\",\"reference\":\"C-1\"},\"currency\":\"EUR\",\"colour\":1}", "application/json")]
    [InlineData(Wallet, "text/plain")]
    public async Task A_request_refused_before_any_effect_is_not_kept_so_the_corrected_one_may_use_the_key(string refused, string contentType)
    {
        var (merchantId, merchantKey) = await fixture.CreateMerchantAsync();
        var key = Guid.NewGuid().ToString();
        using var bad = await Send(fixture, "api/v1/wallets", merchantKey, refused, key, contentType);
        using var corrected = await Send(fixture, "api/v1/wallets", merchantKey, Wallet, key);

        Assert.True((int)bad.StatusCode is 400 or 415 or 422, bad.StatusCode.ToString());
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
        Assert.False(corrected.Headers.Contains("Idempotent-Replayed"));
        Assert.NotNull(await IdempotencyRecords.ReadAsync(fixture, "merchant:" + merchantId, key));
    }

    [Fact]
    public async Task A_refusal_after_the_request_reached_the_ledger_is_kept_and_replayed()
    {
        var (_, merchantKey) = await fixture.CreateMerchantAsync();
        var from = await IdOf(await Send(fixture, "api/v1/wallets", merchantKey, Wallet));
        var to = await IdOf(await Send(fixture, "api/v1/wallets", merchantKey, Wallet));
        var transfer = $"{{\"fromWalletId\":\"{from}\",\"toWalletId\":\"{to}\",\"amount\":500,\"currency\":\"EUR\",\"reference\":\"r\"}}";
        var key = Guid.NewGuid().ToString();
        using var refused = await Send(fixture, "api/v1/transfers", merchantKey, transfer, key);
        using var topUp = await Send(fixture, $"api/v1/wallets/{from}/top-ups", merchantKey, "{\"amount\":1000,\"reference\":\"r\"}");
        using var again = await Send(fixture, "api/v1/transfers", merchantKey, transfer, key);

        await AuthTests.AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(HttpStatusCode.Created, topUp.StatusCode);
        await AuthTests.AssertProblem(again, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
    }

    internal static Task<HttpResponseMessage> Send(LocalHostFixture fixture, string path, string bearer, string json, string? key = null, string contentType = "application/json")
    {
        var request = fixture.Request(HttpMethod.Post, path, bearer, idempotencyKey: key);
        request.Content = new StringContent(json, Encoding.UTF8, contentType);
        return fixture.Http.SendAsync(request);
    }

    internal static async Task<string> IdOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
