using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pipeline.Application.Devices;

namespace Pipeline.Local.Tests;

/// <summary>A merchant with one station (its charger device signs), a tariff, a wallet and a token: what a session test drives over HTTP.</summary>
internal sealed class ChargingSessionClient
{
    /// <summary>Energy 0.30/kWh and parking 1.20/h, 20 % VAT each, parking billed per started minute.</summary>
    public const string Tariff = """
        {"currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":0.30,"vat":20,"step_size":1},{"type":"PARKING_TIME","price":1.20,"vat":20,"step_size":60}]}]}
        """;

    /// <summary>Yesterday at 10:00 UTC: a station's times must be within a few days of the server's clock.</summary>
    public static readonly DateTimeOffset Start = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-1).AddHours(10);

    private readonly LocalHostFixture fixture;
    private string deviceId = "";
    private string secret = "";
    private int sent;

    private ChargingSessionClient(LocalHostFixture fixture, PaymentClient merchant)
    {
        this.fixture = fixture;
        Merchant = merchant;
    }

    public PaymentClient Merchant { get; }
    public string StationId { get; } = "CS-" + Guid.NewGuid().ToString("N")[..8];
    public string Wallet { get; private set; } = "";
    public string IdToken { get; } = Convert.ToHexString(Guid.NewGuid().ToByteArray()[..7]);

    /// <summary>A station capped at <paramref name="maxEnergyWh"/> and 2 hours (so its hold is 10.11 with this tariff at 20 kWh), a token on a wallet with <paramref name="funds"/>.</summary>
    public static async Task<ChargingSessionClient> CreateAsync(LocalHostFixture fixture, long funds, long maxEnergyWh = 20_000)
    {
        var client = new ChargingSessionClient(fixture, await fixture.PaymentClientAsync());
        (client.deviceId, client.secret) = await DeviceRequests.RegisterAsync(fixture, client.Merchant.ApiKey);
        using (var tariff = fixture.Request(HttpMethod.Put, "api/v1/tariffs/ac", client.Merchant.ApiKey, Tariff))
        {
            await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(tariff), HttpStatusCode.Created);
        }

        using (var station = fixture.Request(HttpMethod.Put, $"api/v1/charging/stations/{client.StationId}", client.Merchant.ApiKey,
            new { client.deviceId, tariffId = "ac", timeZone = "Europe/Berlin", maxEnergyWh, maxDurationSeconds = 7200 }))
        {
            await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(station), HttpStatusCode.Created);
        }

        client.Wallet = await client.Merchant.OpenWalletAsync(funds);
        await PaymentClient.ExpectAsync(await client.Merchant.PostAsync("api/v1/charging/tokens", new { idToken = client.IdToken, type = "ISO14443", walletId = client.Wallet }), HttpStatusCode.Created);
        return client;
    }

    /// <summary>Gives the station's device a new secret (the local host keeps device secrets in memory: a restarted one has none).</summary>
    public async Task RotateSecretAsync()
    {
        var rotated = await PaymentClient.ExpectAsync(await Merchant.PostAsync($"api/v1/devices/{deviceId}/secret-rotations", new { revokePrevious = true }), HttpStatusCode.Created);
        secret = rotated.GetProperty("secret").GetString()!;
    }

    /// <summary>Another ISO 14443 token of the merchant, on a new wallet with <paramref name="funds"/>.</summary>
    public async Task<(string IdToken, string Wallet)> AddTokenAsync(long funds)
    {
        var wallet = await Merchant.OpenWalletAsync(funds);
        var idToken = Convert.ToHexString(Guid.NewGuid().ToByteArray()[..7]);
        await PaymentClient.ExpectAsync(await Merchant.PostAsync("api/v1/charging/tokens", new { idToken, type = "ISO14443", walletId = wallet }), HttpStatusCode.Created);
        return (idToken, wallet);
    }

    /// <summary>An OCPP TransactionEventRequest body: <paramref name="minutes"/> after <see cref="Start"/>, the register at <paramref name="wh"/>.</summary>
    public string Event(string transactionId, int seqNo, string eventType, int minutes, long? wh, string? state = null, string? idToken = null, string trigger = "MeterValuePeriodic")
    {
        var at = Start.AddMinutes(minutes);
        var body = new Dictionary<string, object?>
        {
            ["eventType"] = eventType,
            ["timestamp"] = at,
            ["triggerReason"] = trigger,
            ["seqNo"] = seqNo,
            ["transactionInfo"] = state is null ? new { transactionId } : new { transactionId, chargingState = state },
            ["evse"] = new { id = 1, connectorId = 1 },
        };
        if (wh is { } reading)
        {
            body["meterValue"] = new[] { new { timestamp = at, sampledValue = new[] { new { value = reading, measurand = "Energy.Active.Import.Register", unitOfMeasure = new { unit = "Wh" } } } } };
        }

        if (idToken is not null)
        {
            body["idToken"] = new { idToken, type = "ISO14443" };
        }

        return JsonSerializer.Serialize(body);
    }

    /// <summary>
    /// Sends <paramref name="body"/> signed by the station's device, with a fresh signature each time as a station's retry
    /// has (the same body sent twice within a second gets an earlier timestamp, still within the tolerance).
    /// </summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string body, string? stationId = null, string? signWith = null)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - (Interlocked.Increment(ref sent) % 200);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/charging/stations/{stationId ?? StationId}/transaction-events")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(DeviceAuthenticator.DeviceIdHeader, deviceId);
        request.Headers.Add(DeviceAuthenticator.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(DeviceAuthenticator.SignatureHeader, "v1=" + RequestSignature.Sign(signWith ?? secret, timestamp, Encoding.UTF8.GetBytes(body)));
        using var response = await fixture.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>Sends a valid OCPP request (checked against the official schema) and returns the answer (checked too).</summary>
    public async Task<JsonElement> SendOkAsync(string body)
    {
        OcppSchemas.AssertRequest(body);
        var (status, answer) = await SendAsync(body);
        Assert.True(status == HttpStatusCode.OK, $"{status}: {answer}");
        OcppSchemas.AssertResponse(answer);
        return answer;
    }

    public static string SessionIdOf(JsonElement page, string transactionId) =>
        page.GetProperty("sessions").EnumerateArray().Single(s => s.GetProperty("transactionId").GetString() == transactionId).GetProperty("id").GetString()!;

    /// <summary>The session of <paramref name="transactionId"/> once it is in <paramref name="status"/>; fails after <paramref name="within"/>.</summary>
    public async Task<JsonElement> SessionAsync(string transactionId, string status, TimeSpan within)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (true)
        {
            var page = await Merchant.GetAsync($"api/v1/charging/sessions?stationId={StationId}");
            var session = page.GetProperty("sessions").EnumerateArray().Single(s => s.GetProperty("transactionId").GetString() == transactionId);
            if (session.GetProperty("status").GetString() == status)
            {
                return session;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"The session is {session.GetProperty("status").GetString()}, not {status}, after {within}: {session}");
            await Task.Delay(200);
        }
    }
}
