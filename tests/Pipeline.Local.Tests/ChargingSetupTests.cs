using System.Net;

namespace Pipeline.Local.Tests;

/// <summary>Charging stations and tokens over HTTP: what they must name, duplicates, blocking, another merchant's.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class ChargingSetupTests(LocalHostFixture fixture)
{
    private const string Tariff = """{"currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":0.30,"vat":20,"step_size":1}]}]}""";

    [Fact]
    public async Task A_station_names_its_own_charger_and_tariff_and_is_replaced_in_place()
    {
        var client = await fixture.PaymentClientAsync();
        var (deviceId, _) = await DeviceRequests.RegisterAsync(fixture, client.ApiKey);
        using (var tariff = fixture.Request(HttpMethod.Put, "api/v1/tariffs/ac-22", client.ApiKey, Tariff))
        {
            await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(tariff), HttpStatusCode.Created);
        }

        var created = await PutStationAsync(client.ApiKey, "CS-001", new { deviceId, tariffId = "ac-22", timeZone = "Europe/Berlin", maxEnergyWh = 60_000 }, HttpStatusCode.Created);
        Assert.Equal(("CS-001", deviceId, "ac-22", 60_000L), (created.GetProperty("id").GetString(), created.GetProperty("deviceId").GetString(),
            created.GetProperty("tariffId").GetString(), created.GetProperty("maxEnergyWh").GetInt64()));
        await PutStationAsync(client.ApiKey, "CS-001", new { deviceId, tariffId = "ac-22", timeZone = "Europe/Amsterdam", maxDurationSeconds = 7200 }, HttpStatusCode.OK);
        var station = await client.GetAsync("api/v1/charging/stations/CS-001");
        Assert.Equal(("Europe/Amsterdam", 7200), (station.GetProperty("timeZone").GetString(), station.GetProperty("maxDurationSeconds").GetInt32()));

        var other = await fixture.PaymentClientAsync();
        var (theirDevice, _) = await DeviceRequests.RegisterAsync(fixture, other.ApiKey);
        var refused = await PutStationAsync(client.ApiKey, "CS-002", new { deviceId = theirDevice, tariffId = "none", timeZone = "Europe/Berlin" }, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["deviceId", "tariffId"], refused.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToArray());
        var bad = await PutStationAsync(client.ApiKey, "CS-003", new { deviceId, tariffId = "ac-22", timeZone = "Mars/Base", maxEnergyWh = 0, maxDurationSeconds = 5 }, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["maxDurationSeconds", "maxEnergyWh", "timeZone"], bad.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToArray());
        using var theirs = fixture.Request(HttpMethod.Get, "api/v1/charging/stations/CS-001", other.ApiKey);
        await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(theirs), HttpStatusCode.NotFound);
        using var missing = fixture.Request(HttpMethod.Get, "api/v1/charging/stations/CS-002", client.ApiKey);
        await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(missing), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_token_is_registered_once_however_it_is_spelled_and_blocked_and_unblocked()
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(5_000);
        var token = await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/charging/tokens", new { idToken = "04:a2:b3:c4:d5:e6:f7", type = "ISO14443", walletId = wallet }), HttpStatusCode.Created);
        var id = token.GetProperty("id").GetString()!;
        Assert.Equal(("04A2B3C4D5E6F7", "active"), (token.GetProperty("idToken").GetString(), token.GetProperty("status").GetString()));

        var again = await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/charging/tokens", new { idToken = "04A2B3C4D5E6F7", type = "ISO14443", walletId = wallet }), HttpStatusCode.Conflict);
        Assert.Contains(id, again.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal("blocked", (await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/charging/tokens/{id}/block"), HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal("blocked", (await client.GetAsync($"api/v1/charging/tokens/{id}")).GetProperty("status").GetString());
        Assert.Equal("active", (await PaymentClient.ExpectAsync(await client.PostAsync($"api/v1/charging/tokens/{id}/unblock"), HttpStatusCode.OK)).GetProperty("status").GetString());

        await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/charging/tokens", new { idToken = "DE-8AC-C12E46L89", type = "eMAID", walletId = wallet }), HttpStatusCode.Created);
        await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/charging/tokens", new { idToken = "de8acc12e46l892", type = "eMAID", walletId = wallet }), HttpStatusCode.Conflict);

        var other = await fixture.PaymentClientAsync();
        var foreignWallet = await PaymentClient.ExpectAsync(await other.PostAsync("api/v1/charging/tokens", new { idToken = "DE8ACC12E46L89", type = "eMAID", walletId = wallet }), HttpStatusCode.UnprocessableEntity);
        Assert.True(foreignWallet.GetProperty("errors").TryGetProperty("walletId", out _));
        await PaymentClient.ExpectAsync(await other.PostAsync($"api/v1/charging/tokens/{id}/block"), HttpStatusCode.NotFound);
        Assert.Equal("active", (await client.GetAsync($"api/v1/charging/tokens/{id}")).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("ISO14443", "04A2B3")]
    [InlineData("ISO14443", "XYZXYZXY")]
    [InlineData("ISO15693", "E004")]
    [InlineData("MacAddress", "00:11:22:33:44")]
    [InlineData("eMAID", "DE*8AC*C12E46L89")]
    [InlineData("KeyCode", "with space")]
    [InlineData("NoAuthorization", "")]
    [InlineData("RFID", "04A2B3C4")]
    public async Task A_token_that_is_not_of_its_type_is_refused(string type, string idToken)
    {
        var client = await fixture.PaymentClientAsync();
        var wallet = await client.OpenWalletAsync(0);
        var problem = await PaymentClient.ExpectAsync(await client.PostAsync("api/v1/charging/tokens", new { idToken, type, walletId = wallet }), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
    }

    private async Task<System.Text.Json.JsonElement> PutStationAsync(string apiKey, string id, object body, HttpStatusCode status)
    {
        using var request = fixture.Request(HttpMethod.Put, $"api/v1/charging/stations/{id}", apiKey, body);
        return await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(request), status);
    }
}
