using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Devices;

namespace Pipeline.Local.Tests;

/// <summary>A host whose clock the test moves, so a day of secret overlap passes at once.</summary>
public sealed class FakeClockHostFixture : LocalHostFixture
{
    /// <summary>Now, to the whole second: the host stores times in microseconds, so answers compare exactly.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>
/// Device secret rotation over HTTP: the new secret and the previous one both sign during the overlap, only the new
/// one after it; rotating again never ends the secret the device still uses; only the owning merchant may rotate; a
/// replay of the rotation's Idempotency-Key rotates nothing and shows no secret.
/// </summary>
public sealed class DeviceRotationTests(FakeClockHostFixture fixture) : IClassFixture<FakeClockHostFixture>
{
    [Fact]
    public async Task The_previous_secret_signs_until_the_overlap_ends_and_a_replayed_rotation_changes_nothing()
    {
        var (_, merchantKey) = await fixture.CreateMerchantAsync();
        var (id, old) = await DeviceRequests.RegisterAsync(fixture, merchantKey);
        var key = Guid.NewGuid().ToString();
        var rotated = await RotateAsync(id, merchantKey, key);
        var secret = rotated.GetProperty("secret").GetString()!;
        using var replay = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, $"api/v1/devices/{id}/secret-rotations", merchantKey, idempotencyKey: key));

        Assert.Equal(id, rotated.GetProperty("deviceId").GetString());
        Assert.NotEqual(old, secret);
        Assert.Equal(fixture.Clock.GetUtcNow() + DeviceLimits.SecretOverlap, rotated.GetProperty("previousSecretValidUntil").GetDateTimeOffset());
        Assert.Equal((HttpStatusCode.Created, "true"), (replay.StatusCode, replay.Headers.GetValues("Idempotent-Replayed").Single()));
        Assert.False((await replay.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("secret", out _));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (await CheckInAsync(id, old), await CheckInAsync(id, secret)));

        fixture.Clock.Advance(DeviceLimits.SecretOverlap - TimeSpan.FromSeconds(1));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (await CheckInAsync(id, old), await CheckInAsync(id, secret)));

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK), (await CheckInAsync(id, old), await CheckInAsync(id, secret)));
    }

    [Fact]
    public async Task Rotating_again_keeps_the_secret_the_device_uses_and_revoking_leaves_only_the_new_one()
    {
        var (_, merchantKey) = await fixture.CreateMerchantAsync();
        var (id, original) = await DeviceRequests.RegisterAsync(fixture, merchantKey);
        var lost = (await RotateAsync(id, merchantKey)).GetProperty("secret").GetString()!;
        var retried = await RotateAsync(id, merchantKey);
        var second = retried.GetProperty("secret").GetString()!;

        // The first rotation's answer never reached the device: it still signs with the original, which keeps its deadline.
        Assert.Equal(HttpStatusCode.Unauthorized, await CheckInAsync(id, lost));
        Assert.Equal(HttpStatusCode.OK, await CheckInAsync(id, original));
        Assert.Equal(HttpStatusCode.OK, await CheckInAsync(id, second));

        // The device has signed with the current secret, so the next rotation ends the original at once.
        var third = (await RotateAsync(id, merchantKey)).GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, await CheckInAsync(id, original));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (await CheckInAsync(id, second), await CheckInAsync(id, third)));

        var revoked = await RotateAsync(id, merchantKey, body: new { revokePrevious = true });
        Assert.False(revoked.TryGetProperty("previousSecretValidUntil", out _));
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (await CheckInAsync(id, second), await CheckInAsync(id, third)));
        Assert.Equal(HttpStatusCode.OK, await CheckInAsync(id, revoked.GetProperty("secret").GetString()!));
    }

    [Theory]
    [InlineData("another merchant's")]
    [InlineData("dev_ZZ")]
    [InlineData("dev_0000000000000000000000000")]
    [InlineData("nothing")]
    public async Task Only_the_owning_merchant_rotates_and_anything_else_is_not_found(string target)
    {
        var (_, owner) = await fixture.CreateMerchantAsync();
        var (_, other) = await fixture.CreateMerchantAsync();
        var (id, secret) = await DeviceRequests.RegisterAsync(fixture, owner);
        using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post,
            $"api/v1/devices/{(target == "another merchant's" ? id : target)}/secret-rotations", other));

        await AuthTests.AssertProblem(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, await CheckInAsync(id, secret));
    }

    private async Task<JsonElement> RotateAsync(string id, string merchantKey, string? idempotencyKey = null, object? body = null)
    {
        using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, $"api/v1/devices/{id}/secret-rotations", merchantKey, body, idempotencyKey));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A check-in signed with <paramref name="secret"/> at the host's (moved) time, each with its own body so none is a replay.</summary>
    private async Task<HttpStatusCode> CheckInAsync(string id, string secret)
    {
        using var response = await fixture.Http.SendAsync(DeviceRequests.Signed(id, secret, $"{{\"n\":\"{Guid.NewGuid()}\"}}", fixture.Clock.GetUtcNow().ToUnixTimeSeconds()));
        return response.StatusCode;
    }
}
