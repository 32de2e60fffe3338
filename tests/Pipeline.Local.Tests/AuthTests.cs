using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pipeline.Local.Tests;

[Collection(LocalHostCollection.Name)]
public sealed class AuthTests(LocalHostFixture fixture)
{
    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized, "unauthorized")]
    [InlineData("pk_not_a_real_key", HttpStatusCode.Unauthorized, "unauthorized")]
    [InlineData("", HttpStatusCode.Unauthorized, "unauthorized")]
    public async Task Admin_routes_refuse_missing_and_unknown_keys(string? key, HttpStatusCode status, string code)
    {
        using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/merchants", key, new { name = "x" }));

        await AssertProblem(response, status, code);
    }

    [Fact]
    public async Task A_merchant_key_cannot_call_admin_routes_and_the_admin_key_cannot_act_as_a_merchant()
    {
        var (id, key) = await fixture.CreateMerchantAsync();

        using var asMerchant = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Put, $"api/v1/merchants/{id}/pricing", key, new { percentBps = 100, fixedMinor = 25, currency = "EUR" }));
        using var asAdmin = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/merchants/me", fixture.AdminKey));

        await AssertProblem(asMerchant, HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(asAdmin, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_merchant_sees_itself_and_a_rotation_keeps_one_previous_key()
    {
        var (id, first) = await fixture.CreateMerchantAsync("Rotating");
        var second = await RotateAsync(id);
        Assert.Equal(HttpStatusCode.OK, await MeStatus(first));
        Assert.Equal(HttpStatusCode.OK, await MeStatus(second));

        var third = await RotateAsync(id);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatus(first));
        Assert.Equal(HttpStatusCode.OK, await MeStatus(second));
        using var me = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/merchants/me", third));
        var body = await me.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, body.GetProperty("id").GetString());
        Assert.False(body.TryGetProperty("apiKey", out _), "A key is shown only when it is created.");
    }

    [Fact]
    public async Task Rotating_the_key_of_an_unknown_merchant_is_not_found()
    {
        using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/merchants/mer_nope/api-keys", fixture.AdminKey));

        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
    }

    private async Task<string> RotateAsync(string id)
    {
        using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, $"api/v1/merchants/{id}/api-keys", fixture.AdminKey));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiKey").GetString()!;
    }

    private async Task<HttpStatusCode> MeStatus(string key)
    {
        using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/merchants/me", key));
        return response.StatusCode;
    }

    internal static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.True(response.Headers.Contains("X-Request-Id"));
        return body;
    }
}
