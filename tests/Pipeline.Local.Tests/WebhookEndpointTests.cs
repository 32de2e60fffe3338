using System.Net;
using System.Text.Json;

namespace Pipeline.Local.Tests;

/// <summary>Webhook endpoints over HTTP: the secret once, replays without it, URLs that reach into private networks refused, changes and deletion.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class WebhookEndpointTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task An_endpoint_is_created_with_its_secret_once_changed_rotated_and_deleted()
    {
        var client = await fixture.PaymentClientAsync();
        using var request = fixture.Request(HttpMethod.Post, "api/v1/webhook-endpoints", client.ApiKey,
            new { url = "https://hooks.example.com/a", events = new[] { "payment.succeeded", "payment.succeeded", "payment.refunded" } }, idempotencyKey: "hook-1");
        var created = await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(request), HttpStatusCode.Created);
        var id = created.GetProperty("endpoint").GetProperty("id").GetString()!;
        Assert.StartsWith("whsec_", created.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Equal(["payment.succeeded", "payment.refunded"], created.GetProperty("endpoint").GetProperty("events").EnumerateArray().Select(e => e.GetString()));

        using var again = fixture.Request(HttpMethod.Post, "api/v1/webhook-endpoints", client.ApiKey,
            new { url = "https://hooks.example.com/a", events = new[] { "payment.succeeded", "payment.succeeded", "payment.refunded" } }, idempotencyKey: "hook-1");
        var replayed = await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(again), HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Undefined, replayed.TryGetProperty("secret", out var s) ? s.ValueKind : JsonValueKind.Undefined);
        Assert.Contains("secret-rotations", replayed.GetProperty("secretNotice").GetString(), StringComparison.Ordinal);

        using var patch = fixture.Request(HttpMethod.Patch, $"api/v1/webhook-endpoints/{id}", client.ApiKey, new { status = "disabled", description = "paused" });
        var patched = await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(patch), HttpStatusCode.OK);
        Assert.Equal(("disabled", "requested", "paused"), (patched.GetProperty("status").GetString(), patched.GetProperty("disabledReason").GetString(), patched.GetProperty("description").GetString()));

        var rotated = await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/webhook-endpoints/{id}/secret-rotations", new { previousValidForSeconds = 3600 }), HttpStatusCode.Created);
        Assert.NotEqual(created.GetProperty("secret").GetString(), rotated.GetProperty("secret").GetString());
        Assert.True(rotated.GetProperty("previousSecretValidUntil").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(59));

        Assert.Single((await client.GetAsync("api/v1/webhook-endpoints")).GetProperty("endpoints").EnumerateArray());
        var other = await fixture.PaymentClientAsync();
        using (var theirs = fixture.Request(HttpMethod.Get, $"api/v1/webhook-endpoints/{id}", other.ApiKey))
        {
            await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(theirs), HttpStatusCode.NotFound);
        }

        using var delete = fixture.Request(HttpMethod.Delete, $"api/v1/webhook-endpoints/{id}", client.ApiKey);
        Assert.True((await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(delete), HttpStatusCode.OK)).GetProperty("deleted").GetBoolean());
        using var gone = fixture.Request(HttpMethod.Get, $"api/v1/webhook-endpoints/{id}", client.ApiKey);
        await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(gone), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("https://10.0.0.5/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("ftp://hooks.example.com/")]
    public async Task A_url_into_a_private_network_is_refused_and_nothing_is_created(string url)
    {
        var client = await fixture.PaymentClientAsync();
        var problem = await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/webhook-endpoints", new { url, events = new[] { "*" } }), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("url_not_allowed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _));
        Assert.Empty((await client.GetAsync("api/v1/webhook-endpoints")).GetProperty("endpoints").EnumerateArray());
    }

    [Fact]
    public async Task Unknown_event_types_are_refused()
    {
        var client = await fixture.PaymentClientAsync();
        var problem = await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/webhook-endpoints", new { url = "https://hooks.example.com/", events = new[] { "payment.exploded" } }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("payment.exploded", problem.GetProperty("errors").GetProperty("events")[0].GetString(), StringComparison.Ordinal);
    }
}
