using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Pipeline.Local.Tests.IdempotencyRequestTests;

namespace Pipeline.Local.Tests;

/// <summary>
/// Creations retried under their Idempotency-Key after the answer was lost (the record gone, as after a crash or its
/// retention) find what the first attempt made instead of making a second; the key reused for something else is refused.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class RetriedCreationTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task A_wallet_retried_after_its_answer_was_lost_is_the_same_wallet_and_the_key_is_not_reused_for_another()
    {
        var (merchantId, merchantKey) = await fixture.CreateMerchantAsync();
        var key = Guid.NewGuid().ToString();
        var scope = "merchant:" + merchantId;
        var first = await IdOf(await Send(fixture, "api/v1/wallets", merchantKey, Wallet, key));
        await IdempotencyRecords.ForgetAsync(fixture, scope, key);
        using var retried = await Send(fixture, "api/v1/wallets", merchantKey, Wallet, key);
        await IdempotencyRecords.ForgetAsync(fixture, scope, key);
        using var other = await Send(fixture, "api/v1/wallets", merchantKey, Wallet.Replace("EUR", "USD", StringComparison.Ordinal), key);

        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal(first, await IdOf(retried));
        await AuthTests.AssertProblem(other, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [Fact]
    public async Task A_merchant_retried_after_its_answer_was_lost_is_the_same_merchant_without_a_second_key()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await Send(fixture, "api/v1/merchants", fixture.AdminKey, "{\"name\":\"Lost answer\"}", key);
        var created = await first.Content.ReadFromJsonAsync<JsonElement>();
        await IdempotencyRecords.ForgetAsync(fixture, "admin", key);
        using var retried = await Send(fixture, "api/v1/merchants", fixture.AdminKey, "{\"name\":\"Lost answer\"}", key);
        await IdempotencyRecords.ForgetAsync(fixture, "admin", key);
        using var other = await Send(fixture, "api/v1/merchants", fixture.AdminKey, "{\"name\":\"Someone else\"}", key);

        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        var again = await retried.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(created.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.False(again.TryGetProperty("apiKey", out _), again.ToString());
        await AuthTests.AssertProblem(other, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        using var me = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/merchants/me", created.GetProperty("apiKey").GetString()));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }
}
