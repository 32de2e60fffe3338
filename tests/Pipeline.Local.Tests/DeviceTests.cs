using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pipeline.Application.Devices;

namespace Pipeline.Local.Tests;

/// <summary>Device registration and device-signed requests over HTTP: valid, stale, replayed, forged, altered.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class DeviceTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task A_device_registers_once_and_its_secret_signs_a_check_in()
    {
        var (id, secret) = await RegisterAsync();

        using var response = await fixture.Http.SendAsync(Signed(id, secret, "{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(id, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deviceId").GetString());
    }

    [Fact]
    public async Task Registering_the_same_external_id_again_is_a_conflict()
    {
        var (_, merchantKey) = await fixture.CreateMerchantAsync();
        var body = new { kind = "charger", externalId = "CP-1" };
        using var first = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/devices", merchantKey, body));
        using var second = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/devices", merchantKey, body));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var secret = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        var problem = await AuthTests.AssertProblem(second, HttpStatusCode.Conflict, "already_exists");
        Assert.False(problem.TryGetProperty("secret", out _));
        Assert.DoesNotContain(secret, problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"kind\":\"toaster\",\"externalId\":\"x\"}", HttpStatusCode.BadRequest, "malformed_json")]
    [InlineData("{\"kind\":1,\"externalId\":\"x\"}", HttpStatusCode.BadRequest, "malformed_json")]
    [InlineData("{\"kind\":\"vehicle\",\"externalId\":\"\"}", HttpStatusCode.UnprocessableEntity, "validation_failed")]
    public async Task Bad_registrations_are_refused(string body, HttpStatusCode status, string code)
    {
        var (_, merchantKey) = await fixture.CreateMerchantAsync();
        using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/devices", merchantKey, body));

        await AuthTests.AssertProblem(response, status, code);
    }

    [Fact]
    public async Task A_signature_is_accepted_once()
    {
        var (id, secret) = await RegisterAsync();
        var timestamp = Now();
        using var first = await fixture.Http.SendAsync(Signed(id, secret, "{\"n\":1}", timestamp));
        using var replay = await fixture.Http.SendAsync(Signed(id, secret, "{\"n\":1}", timestamp));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AuthTests.AssertProblem(replay, HttpStatusCode.Unauthorized, "invalid_signature");
    }

    [Fact]
    public async Task A_signature_replayed_with_its_hex_in_another_case_is_refused()
    {
        var (id, secret) = await RegisterAsync();
        var timestamp = Now();
        var signature = RequestSignature.Sign(secret, timestamp, Encoding.UTF8.GetBytes("{\"n\":2}"));
        var mixed = string.Concat(signature.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : c));
        using var first = await fixture.Http.SendAsync(Signed(id, secret, "{\"n\":2}", timestamp));
        using var upper = await fixture.Http.SendAsync(Signed(id, secret, "{\"n\":2}", timestamp, signatureOverride: "v1=" + signature.ToUpperInvariant()));
        using var alternating = await fixture.Http.SendAsync(Signed(id, secret, "{\"n\":2}", timestamp, signatureOverride: "v1=" + mixed));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AuthTests.AssertProblem(upper, HttpStatusCode.Unauthorized, "invalid_signature");
        await AuthTests.AssertProblem(alternating, HttpStatusCode.Unauthorized, "invalid_signature");
    }

    [Fact]
    public async Task Registering_an_existing_device_again_keeps_its_secret_and_points_to_the_rotation()
    {
        var (_, merchantKey) = await fixture.CreateMerchantAsync();
        var body = new { kind = "vehicle", externalId = "VIN-" + Guid.NewGuid() };
        using var first = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/devices", merchantKey, body));
        var registered = await first.Content.ReadFromJsonAsync<JsonElement>();
        using var again = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/devices", merchantKey, body));

        // The conflicting registration must not have touched the secret the device already holds.
        using var checkIn = await fixture.Http.SendAsync(Signed(registered.GetProperty("id").GetString()!, registered.GetProperty("secret").GetString()!, "{}"));
        Assert.Equal(HttpStatusCode.OK, checkIn.StatusCode);
        var problem = await AuthTests.AssertProblem(again, HttpStatusCode.Conflict, "already_exists");
        Assert.Contains("/secret-rotations", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    public static TheoryData<string> Tampering() => ["stale", "future", "forged", "altered", "unknown-device", "no-signature", "malformed"];

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Tampered_requests_are_refused(string tampering)
    {
        var (id, secret) = await RegisterAsync();
        using var request = tampering switch
        {
            "stale" => Signed(id, secret, "{}", Now() - 310),
            "future" => Signed(id, secret, "{}", Now() + 310),
            "forged" => Signed(id, "0000" + secret[4..], "{}"),
            "altered" => Signed(id, secret, "{\"amount\":1}", Now(), sendBody: "{\"amount\":1000}"),
            "unknown-device" => Signed("dev_000000000000000000000000", secret, "{}"),
            "no-signature" => Unsigned(id),
            _ => Signed(id, secret, "{}", signatureOverride: "v1=xyz"),
        };
        using var response = await fixture.Http.SendAsync(request);

        await AuthTests.AssertProblem(response, HttpStatusCode.Unauthorized, "invalid_signature");
    }

    private async Task<(string Id, string Secret)> RegisterAsync()
    {
        var (_, merchantKey) = await fixture.CreateMerchantAsync();
        return await DeviceRequests.RegisterAsync(fixture, merchantKey);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static HttpRequestMessage Signed(string deviceId, string secret, string body, long? timestamp = null, string? sendBody = null, string? signatureOverride = null) =>
        DeviceRequests.Signed(deviceId, secret, body, timestamp ?? Now(), sendBody, signatureOverride);

    private static HttpRequestMessage Unsigned(string deviceId) => DeviceRequests.Unsigned(deviceId);
}
