using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pipeline.Local.Tests;

[Collection(LocalHostCollection.Name)]
public sealed class IdempotencyTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task The_same_key_and_body_replay_the_stored_response()
    {
        var (_, merchantKey) = await fixture.CreateMerchantAsync();
        var key = Guid.NewGuid().ToString();
        var wallet = new { owner = new { type = "enterprise", reference = "Once" }, currency = "EUR" };
        using var first = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/wallets", merchantKey, wallet, key));
        using var second = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/wallets", merchantKey, wallet, key));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_refused()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/merchants", fixture.AdminKey, new { name = "A" }, key));
        using var second = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/merchants", fixture.AdminKey, new { name = "B" }, key));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await AuthTests.AssertProblem(second, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [Fact]
    public async Task Concurrent_duplicates_have_one_effect()
    {
        var key = Guid.NewGuid().ToString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/merchants", fixture.AdminKey, new { name = "Racing" }, key))));

        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        var ids = new HashSet<string>();
        foreach (var response in created)
        {
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }

        Assert.Single(ids);
        Assert.Equal(created.Count - 1, created.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await AuthTests.AssertProblem(conflict, HttpStatusCode.Conflict, "idempotency_key_in_progress");
        }

        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Keys_are_per_caller()
    {
        var key = Guid.NewGuid().ToString();
        var (_, merchantKey) = await fixture.CreateMerchantAsync();
        using var asAdmin = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/merchants", fixture.AdminKey, new { name = "Scoped" }, key));
        using var asMerchant = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/merchants", merchantKey, new { name = "Scoped" }, key));

        Assert.Equal(HttpStatusCode.Created, asAdmin.StatusCode);
        await AuthTests.AssertProblem(asMerchant, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task An_overlong_key_is_a_validation_error()
    {
        using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/merchants", fixture.AdminKey, new { name = "Long" }, new string('k', 256)));

        await AuthTests.AssertProblem(response, HttpStatusCode.UnprocessableEntity, "validation_failed");
    }
}
