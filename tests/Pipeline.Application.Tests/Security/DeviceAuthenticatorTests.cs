using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Devices;
using Pipeline.Application.Secrets;

namespace Pipeline.Application.Tests.Security;

/// <summary>Device authentication without HTTP: an unknown device goes the same way as a known one with a wrong secret.</summary>
[Collection(CosmosCollection.Name)]
public sealed class DeviceAuthenticatorTests(CosmosFixture cosmos)
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"n\":1}");
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    public static TheoryData<string, SignatureCheck> Refusals() => new()
    {
        { "fresh", SignatureCheck.Mismatch },
        { "stale", SignatureCheck.Stale },
        { "malformed", SignatureCheck.Malformed },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task An_unknown_device_is_checked_exactly_like_a_known_device_with_a_wrong_secret(string signature, SignatureCheck expected)
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var secrets = new InMemorySecretStore();
        var devices = new DeviceStore(database, secrets, clock);
        var authenticator = new DeviceAuthenticator(devices, new SignatureReplayGuard(database), clock);
        var known = (await devices.RegisterAsync("mer_1", DeviceKind.Charger, "CP-1", default))!.Value.Device.Id;
        var at = clock.GetUtcNow().ToUnixTimeSeconds() - (signature == "stale" ? 301 : 0);
        var header = signature == "malformed" ? "v1=xyz" : "v1=" + RequestSignature.Sign("not the device's secret", at, Body);

        var knownDevice = await authenticator.AuthenticateAsync(Request(known, at, header), Body, default);
        var unknownDevice = await authenticator.AuthenticateAsync(Request("dev_000000000000000000000000", at, header), Body, default);

        // Mismatch comes only out of the HMAC comparison: the unknown device's request was hashed like any other.
        Assert.Equal((null, expected), knownDevice);
        Assert.Equal((null, expected), unknownDevice);
    }

    [Fact]
    public async Task A_signature_sent_again_with_its_hex_in_another_case_is_a_replay()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var devices = new DeviceStore(database, new InMemorySecretStore(), clock);
        var authenticator = new DeviceAuthenticator(devices, new SignatureReplayGuard(database), clock);
        var (device, secret) = (await devices.RegisterAsync("mer_1", DeviceKind.Charger, "CP-2", default))!.Value;
        var at = clock.GetUtcNow().ToUnixTimeSeconds();
        var signature = RequestSignature.Sign(secret, at, Body);

        var first = await authenticator.AuthenticateAsync(Request(device.Id, at, "v1=" + signature), Body, default);
        var again = await authenticator.AuthenticateAsync(Request(device.Id, at, "v1=" + signature.ToUpperInvariant()), Body, default);

        Assert.Equal((device.Id, SignatureCheck.Valid), (first.Caller?.DeviceId, first.Check));
        Assert.Equal((null, SignatureCheck.Replayed), again);
    }

    private static HttpRequest Request(string deviceId, long at, string signature)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers[DeviceAuthenticator.DeviceIdHeader] = deviceId;
        request.Headers[DeviceAuthenticator.TimestampHeader] = at.ToString(CultureInfo.InvariantCulture);
        request.Headers[DeviceAuthenticator.SignatureHeader] = signature;
        return request;
    }
}
