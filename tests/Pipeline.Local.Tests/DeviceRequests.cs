using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pipeline.Application.Devices;

namespace Pipeline.Local.Tests;

/// <summary>What a device does over HTTP: its merchant registers it, then it signs its requests.</summary>
internal static class DeviceRequests
{
    public const string CheckIn = "api/v1/devices/check-ins";

    /// <summary>Registers a new charger of the merchant; returns its id and secret.</summary>
    public static async Task<(string Id, string Secret)> RegisterAsync(LocalHostFixture fixture, string merchantKey)
    {
        using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/devices", merchantKey,
            new { kind = "charger", externalId = "CP-" + Guid.NewGuid() }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("charger", body.GetProperty("kind").GetString());
        return (body.GetProperty("id").GetString()!, body.GetProperty("secret").GetString()!);
    }

    /// <summary>A check-in signed with <paramref name="secret"/> at <paramref name="timestamp"/>, optionally tampered with.</summary>
    public static HttpRequestMessage Signed(string deviceId, string secret, string body, long timestamp, string? sendBody = null, string? signatureOverride = null)
    {
        var request = Unsigned(deviceId, sendBody ?? body);
        request.Headers.Add(DeviceAuthenticator.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(DeviceAuthenticator.SignatureHeader, signatureOverride ?? "v1=" + RequestSignature.Sign(secret, timestamp, Encoding.UTF8.GetBytes(body)));
        return request;
    }

    public static HttpRequestMessage Unsigned(string deviceId, string body = "{}")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, CheckIn) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(DeviceAuthenticator.DeviceIdHeader, deviceId);
        return request;
    }
}
