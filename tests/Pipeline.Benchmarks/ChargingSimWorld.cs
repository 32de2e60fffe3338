using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pipeline.Application.Devices;

namespace Pipeline.Benchmarks;

/// <summary>One simulated session: its station, token, transaction id, the events in the order they will be sent (duplicates included), and its exact price.</summary>
internal sealed record SimSession(int Station, int Token, string TransactionId, IReadOnlyList<string> Sends, long ExpectedMinor);

/// <summary>
/// What the charging simulation sets up through the API (a merchant, one charger device for all its stations, an
/// energy tariff, funded wallets with tokens) and the seeded plan of sessions: five OCPP events each (Started with a
/// token, three Updated, Ended), some sent twice, some in another order.
/// </summary>
internal sealed class ChargingSimWorld
{
    public const int Stations = 20;
    public const int Tokens = 100;

    /// <summary>0.30/kWh + 20 % VAT, billed per Wh: a session of W Wh costs exactly W × 0.036 minor units, rounded half away from zero.</summary>
    private const string Tariff = """{"currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":0.30,"vat":20,"step_size":1}]}]}""";

    private readonly HttpClient http;
    private readonly string prefix = "sim" + Guid.NewGuid().ToString("N")[..6];
    private string deviceId = "";
    private string secret = "";
    private string[] tokens = [];

    private ChargingSimWorld(HttpClient http) => this.http = http;

    public string[] Wallets { get; private set; } = [];

    public static async Task<ChargingSimWorld> CreateAsync(HttpClient http, string adminKey)
    {
        var world = new ChargingSimWorld(http);
        using var merchant = await Send(http, HttpMethod.Post, "api/v1/merchants", adminKey, new { name = "Charging simulation" });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await Json(merchant)).GetProperty("apiKey").GetString());
        using var device = await http.PostAsJsonAsync("api/v1/devices", new { kind = "charger", externalId = world.prefix });
        var registered = await Json(device);
        (world.deviceId, world.secret) = (registered.GetProperty("id").GetString()!, registered.GetProperty("secret").GetString()!);
        using var tariff = await http.PutAsync("api/v1/tariffs/sim", new StringContent(Tariff, Encoding.UTF8, "application/json"));
        tariff.EnsureSuccessStatusCode();
        for (var s = 0; s < Stations; s++)
        {
            using var station = await http.PutAsJsonAsync($"api/v1/charging/stations/{world.prefix}-{s}",
                new { world.deviceId, tariffId = "sim", timeZone = "Europe/Berlin", maxEnergyWh = 100_000, maxDurationSeconds = 86_400 });
            station.EnsureSuccessStatusCode();
        }

        world.Wallets = new string[Tokens];
        world.tokens = new string[Tokens];
        for (var t = 0; t < Tokens; t++)
        {
            world.Wallets[t] = await HttpLoad.OpenWalletAsync(http, 100_000_000, $"sim-{t}");
            world.tokens[t] = $"{world.prefix[3..]}{t:X8}".ToUpperInvariant()[..14];
            using var token = await http.PostAsJsonAsync("api/v1/charging/tokens", new { idToken = world.tokens[t], type = "ISO14443", walletId = world.Wallets[t] });
            token.EnsureSuccessStatusCode();
        }

        return world;
    }

    public string StationId(int station) => $"{prefix}-{station}";

    /// <summary>The seeded plan: each session's events, 10 % of them sent twice, 30 % of sessions in a shuffled order.</summary>
    public IReadOnlyList<SimSession> Plan(int sessions, int seed)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-1).AddHours(8);
        var plan = new List<SimSession>(sessions);
        for (var i = 0; i < sessions; i++)
        {
            var transactionId = $"{prefix}-{i}";
            var token = i % Tokens;
            var wh = new long[5];
            wh[0] = random.Next(0, 1_000_000);
            for (var k = 1; k < 5; k++)
            {
                wh[k] = wh[k - 1] + (k == 4 ? 0 : random.Next(0, 15_000));
            }

            var at = start.AddMinutes(random.Next(0, 600));
            string[] states = ["Charging", "Charging", "SuspendedEV", "Charging", "EVConnected"];
            string[] types = ["Started", "Updated", "Updated", "Updated", "Ended"];
            var events = Enumerable.Range(0, 5).Select(k => Event(transactionId, k, types[k], at.AddMinutes(k * 15), wh[k], states[k], k == 0 ? tokens[token] : null)).ToList();
            var sends = new List<string>(events);
            if (random.NextDouble() < 0.3)
            {
                random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sends));
            }

            sends.AddRange(events.Where(_ => random.NextDouble() < 0.1));
            var expected = (long)Math.Round((wh[4] - wh[0]) * 0.036m, MidpointRounding.AwayFromZero);
            plan.Add(new SimSession(i % Stations, token, transactionId, sends, expected));
        }

        return plan;
    }

    /// <summary>Sends one event signed by the charger (a fresh timestamp each send, as a station's retry has).</summary>
    public async Task<HttpStatusCode> SendAsync(SimSession session, string body, int attempt)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - attempt;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/charging/stations/{StationId(session.Station)}/transaction-events")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(DeviceAuthenticator.DeviceIdHeader, deviceId);
        request.Headers.Add(DeviceAuthenticator.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(DeviceAuthenticator.SignatureHeader, "v1=" + RequestSignature.Sign(secret, timestamp, Encoding.UTF8.GetBytes(body)));
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>A new secret for the charger (a restarted local host keeps none: docs/OPERATIONS.md).</summary>
    public async Task RotateSecretAsync()
    {
        using var rotated = await http.PostAsJsonAsync($"api/v1/devices/{deviceId}/secret-rotations", new { revokePrevious = true });
        secret = (await Json(rotated)).GetProperty("secret").GetString()!;
    }

    private static string Event(string transactionId, int seqNo, string type, DateTimeOffset at, long wh, string state, string? idToken) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["eventType"] = type,
            ["timestamp"] = at,
            ["triggerReason"] = seqNo == 0 ? "Authorized" : "MeterValuePeriodic",
            ["seqNo"] = seqNo,
            ["transactionInfo"] = new { transactionId, chargingState = state },
            ["meterValue"] = new[] { new { timestamp = at, sampledValue = new[] { new { value = wh } } } },
            ["idToken"] = idToken is null ? null : new { idToken, type = "ISO14443" },
        }.Where(p => p.Value is not null).ToDictionary());

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, string bearer, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await http.SendAsync(request);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
