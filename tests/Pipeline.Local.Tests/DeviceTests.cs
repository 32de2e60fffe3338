using System.Globalization;
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
    private const string CheckIn = "api/v1/devices/check-ins";

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
        var problem = await AuthTests.AssertProblem(second, HttpStatusCode.Conflict, "already_exists");
        Assert.DoesNotContain("secret", problem.ToString(), StringComparison.OrdinalIgnoreCase);
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
        using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/devices", merchantKey,
            new { kind = "charger", externalId = "CP-" + Guid.NewGuid() }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("charger", body.GetProperty("kind").GetString());
        return (body.GetProperty("id").GetString()!, body.GetProperty("secret").GetString()!);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static HttpRequestMessage Signed(string deviceId, string secret, string body, long? timestamp = null, string? sendBody = null, string? signatureOverride = null)
    {
        var at = timestamp ?? Now();
        var request = Unsigned(deviceId, sendBody ?? body);
        request.Headers.Add(DeviceAuthenticator.TimestampHeader, at.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(DeviceAuthenticator.SignatureHeader, signatureOverride ?? "v1=" + RequestSignature.Sign(secret, at, Encoding.UTF8.GetBytes(body)));
        return request;
    }

    private static HttpRequestMessage Unsigned(string deviceId, string body = "{}")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, CheckIn) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(DeviceAuthenticator.DeviceIdHeader, deviceId);
        return request;
    }
}
