using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Pipeline.Local.Tests;

/// <summary>
/// A secret (device secret, API key) is shown once: the idempotency record of its creation keeps the response
/// without it, and a replay answers the resource with a notice instead of the secret.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class SecretReplayTests(LocalHostFixture fixture)
{
    public static TheoryData<string> Creations() => ["device", "device-rotation", "merchant", "api-key"];

    [Theory]
    [MemberData(nameof(Creations))]
    public async Task A_secret_is_neither_kept_in_the_idempotency_record_nor_replayed(string creation)
    {
        var (merchantId, merchantKey) = await fixture.CreateMerchantAsync();
        var (path, bearer, body, field, scope) = creation switch
        {
            "device" => ("api/v1/devices", merchantKey, (object?)new { kind = "charger", externalId = "CP-" + Guid.NewGuid() }, "secret", "merchant:" + merchantId),
            "device-rotation" => ($"api/v1/devices/{(await DeviceRequests.RegisterAsync(fixture, merchantKey)).Id}/secret-rotations", merchantKey, null, "secret", "merchant:" + merchantId),
            "merchant" => ("api/v1/merchants", fixture.AdminKey, new { name = "Shown once" }, "apiKey", "admin"),
            _ => ($"api/v1/merchants/{merchantId}/api-keys", fixture.AdminKey, null, "apiKey", "admin"),
        };
        var key = Guid.NewGuid().ToString();
        using var first = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, path, bearer, body, key));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var secret = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty(field).GetString()!;

        var record = (await IdempotencyRecords.ReadAsync(fixture, scope, key))!.Value;
        Assert.DoesNotContain(secret, record.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(record.GetProperty("body").GetBytesFromBase64()), StringComparison.Ordinal);

        using var replay = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, path, bearer, body, key));
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        var replayed = await replay.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(replayed.TryGetProperty(field, out _), replayed.ToString());
        Assert.Contains("shown only once", replayed.GetProperty("secretNotice").GetString(), StringComparison.Ordinal);
    }
}
