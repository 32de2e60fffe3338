using System.Net;
using System.Text.Json;

namespace Pipeline.Local.Tests;

/// <summary>OCPI tariffs over HTTP: stored as OCPI writes them, every bad field named, prices quoted exactly as the engine prices.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class TariffTests(LocalHostFixture fixture)
{
    /// <summary>The complex tariff of OCPI 2.2.1's tariffs module, as OCPI writes it.</summary>
    private const string Complex = """
        {"country_code":"DE","party_id":"ALL","id":"14","currency":"EUR","type":"REGULAR","tariff_alt_url":"https://company.com/tariffs/14",
         "elements":[
          {"price_components":[{"type":"FLAT","price":2.50,"vat":15.0,"step_size":1}]},
          {"price_components":[{"type":"TIME","price":1.00,"vat":20.0,"step_size":900}],"restrictions":{"max_current":32.00}},
          {"price_components":[{"type":"TIME","price":2.00,"vat":20.0,"step_size":600}],"restrictions":{"min_current":32.00,"day_of_week":["MONDAY","TUESDAY","WEDNESDAY","THURSDAY","FRIDAY"]}},
          {"price_components":[{"type":"TIME","price":1.25,"vat":20.0,"step_size":600}],"restrictions":{"min_current":32.00,"day_of_week":["SATURDAY","SUNDAY"]}},
          {"price_components":[{"type":"PARKING_TIME","price":5.00,"vat":10.0,"step_size":300}],"restrictions":{"start_time":"09:00","end_time":"18:00","day_of_week":["MONDAY","TUESDAY","WEDNESDAY","THURSDAY","FRIDAY"]}},
          {"price_components":[{"type":"PARKING_TIME","price":6.00,"vat":10.0,"step_size":300}],"restrictions":{"start_time":"10:00","end_time":"17:00","day_of_week":["SATURDAY"]}}],
         "energy_mix":{"is_green_energy":true},
         "last_updated":"2015-06-29T20:39:09Z"}
        """;

    /// <summary>A Saturday in Amsterdam (UTC+1): 13:30 local, 114 minutes charging at 43 A, then 71 minutes parked.</summary>
    private const string SaturdaySession = """
        {"start_date_time":"2024-01-20T12:30:00Z","end_date_time":"2024-01-20T15:35:00Z","time_zone":"Europe/Amsterdam",
         "charging_periods":[
          {"start_date_time":"2024-01-20T12:30:00Z","dimensions":[{"type":"ENERGY","volume":40},{"type":"TIME","volume":1.9},{"type":"MIN_CURRENT","volume":43}]},
          {"start_date_time":"2024-01-20T14:24:00Z","dimensions":[{"type":"PARKING_TIME","volume":1.1833},{"type":"STATE_OF_CHARGE","volume":80}]}]}
        """;

    [Fact]
    public async Task A_tariff_is_stored_as_ocpi_writes_it_replaced_listed_and_prices_the_ocpi_example_to_the_cent()
    {
        var client = await fixture.PaymentClientAsync();
        var created = await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Put, "api/v1/tariffs/14", client.ApiKey, Complex), HttpStatusCode.Created);
        Assert.Equal(("14", 6, true), (created.GetProperty("id").GetString(), created.GetProperty("elements").GetArrayLength(), created.GetProperty("energy_mix").GetProperty("is_green_energy").GetBoolean()));
        Assert.True(created.GetProperty("last_updated").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1), "last_updated is when it was stored");
        Assert.Equal(900, created.GetProperty("elements")[1].GetProperty("price_components")[0].GetProperty("step_size").GetInt32());

        await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Put, "api/v1/tariffs/14", client.ApiKey, Complex), HttpStatusCode.OK);
        await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Put, "api/v1/tariffs/night", client.ApiKey, Complex.Replace("\"id\":\"14\",", "", StringComparison.Ordinal)), HttpStatusCode.Created);
        var first = await client.GetAsync("api/v1/tariffs?limit=1");
        Assert.Equal("14", first.GetProperty("tariffs")[0].GetProperty("id").GetString());
        var second = await client.GetAsync($"api/v1/tariffs?limit=1&after={first.GetProperty("nextCursor").GetString()}");
        Assert.Equal("night", second.GetProperty("tariffs")[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, second.TryGetProperty("nextCursor", out var none) ? none.ValueKind : JsonValueKind.Null);

        var quote = await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Post, "api/v1/tariffs/14/price", client.ApiKey, SaturdaySession), HttpStatusCode.OK);
        Assert.Equal((12.38m, 13.98m), Price(quote.GetProperty("total_cost")));
        Assert.Equal((2.50m, 2.88m), Price(quote.GetProperty("total_fixed_cost")));
        Assert.Equal((2.38m, 2.85m), Price(quote.GetProperty("total_time_cost")));
        Assert.Equal((7.50m, 8.25m), Price(quote.GetProperty("total_parking_cost")));
        Assert.Equal((40m, 3.0833m, 1.1833m), (quote.GetProperty("total_energy").GetDecimal(), quote.GetProperty("total_time").GetDecimal(), quote.GetProperty("total_parking_time").GetDecimal()));
        Assert.Equal(2, quote.GetProperty("charging_periods").GetArrayLength());
    }

    [Fact]
    public async Task Every_bad_field_is_named_by_its_path_and_nothing_is_stored()
    {
        var client = await fixture.PaymentClientAsync();
        var bad = Complex
            .Replace("\"currency\":\"EUR\"", "\"currency\":\"EURO\"", StringComparison.Ordinal)
            .Replace("\"type\":\"TIME\",\"price\":1.00", "\"type\":\"MINUTES\",\"price\":1.00", StringComparison.Ordinal)
            .Replace("\"step_size\":600}],\"restrictions\":{\"min_current\":32.00,\"day_of_week\":[\"SATURDAY\"", "\"step_size\":-1}],\"restrictions\":{\"min_current\":32.00,\"day_of_week\":[\"SATURDAY\"", StringComparison.Ordinal)
            .Replace("\"start_time\":\"10:00\"", "\"start_time\":\"24:00\"", StringComparison.Ordinal)
            .Replace("\"price\":5.00,\"vat\":10.0", "\"price\":5.00001,\"vat\":101", StringComparison.Ordinal);
        var problem = await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Put, "api/v1/tariffs/bad", client.ApiKey, bad), HttpStatusCode.UnprocessableEntity);
        var errors = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Equal(
        [
            "currency", "elements[1].price_components[0].type", "elements[3].price_components[0].step_size",
            "elements[4].price_components[0].price", "elements[4].price_components[0].vat", "elements[5].restrictions.start_time",
        ], errors);
        using (var get = fixture.Request(HttpMethod.Get, "api/v1/tariffs/bad", client.ApiKey))
        {
            await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(get), HttpStatusCode.NotFound);
        }

        await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Put, "api/v1/tariffs/has%20space", client.ApiKey, Complex), HttpStatusCode.BadRequest);
        var otherId = await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Put, "api/v1/tariffs/15", client.ApiKey, Complex), HttpStatusCode.UnprocessableEntity);
        Assert.True(otherId.GetProperty("errors").TryGetProperty("id", out _));
        var unknownField = await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Put, "api/v1/tariffs/14", client.ApiKey, Complex.Replace("\"type\":\"REGULAR\"", "\"kind\":\"REGULAR\"", StringComparison.Ordinal)), HttpStatusCode.BadRequest);
        Assert.Contains("kind", unknownField.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quote_for_an_impossible_session_is_refused_field_by_field_and_others_tariffs_are_not_there()
    {
        var client = await fixture.PaymentClientAsync();
        await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Put, "api/v1/tariffs/14", client.ApiKey, Complex), HttpStatusCode.Created);
        var bad = SaturdaySession
            .Replace("Europe/Amsterdam", "Mars/Olympus", StringComparison.Ordinal)
            .Replace("{\"type\":\"TIME\",\"volume\":1.9}", "{\"type\":\"TIME\",\"volume\":2.5}", StringComparison.Ordinal)
            .Replace("{\"type\":\"STATE_OF_CHARGE\",\"volume\":80}", "{\"type\":\"VOLTAGE\",\"volume\":400}", StringComparison.Ordinal);
        var problem = await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Post, "api/v1/tariffs/14/price", client.ApiKey, bad), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["charging_periods[0].dimensions", "charging_periods[1].dimensions[1].type", "time_zone"],
            problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToArray());

        var other = await fixture.PaymentClientAsync();
        await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Post, "api/v1/tariffs/14/price", other.ApiKey, SaturdaySession), HttpStatusCode.NotFound);
        using var get = fixture.Request(HttpMethod.Get, "api/v1/tariffs/14", other.ApiKey);
        await PaymentClient.ExpectAsync(await fixture.Http.SendAsync(get), HttpStatusCode.NotFound);
    }

    private const string Simple = """{"currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":2.00,"vat":10.0,"step_size":300}]}]}""";

    /// <summary>Bodies a review found accepted or answered 500; each must be a 422 naming the field, and store nothing.</summary>
    [Theory]
    [InlineData("""{"currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":2,"step_size":300}],"restrictions":{"start_time":"17:00\n"}}]}""", "elements[0].restrictions.start_time")]
    [InlineData("""{"currency":"EUR","elements":[null]}""", "elements[0]")]
    [InlineData("""{"currency":"EUR","elements":[{"price_components":[null]}]}""", "elements[0].price_components[0]")]
    [InlineData("""{"currency":"EUR","tariff_alt_text":[null],"elements":[{"price_components":[{"type":"TIME","price":2,"step_size":300}]}]}""", "tariff_alt_text[0]")]
    [InlineData("""{"currency":"EUR","energy_mix":{"is_green_energy":true,"energy_sources":[null]},"elements":[{"price_components":[{"type":"TIME","price":2,"step_size":300}]}]}""", "energy_mix.energy_sources[0]")]
    [InlineData("""{"currency":"EUR","max_price":{"excl_vat":10,"incl_vat":9},"elements":[{"price_components":[{"type":"TIME","price":2,"step_size":300}]}]}""", "max_price.incl_vat")]
    [InlineData("""{"currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":2,"step_size":300},{"type":"TIME","price":3,"step_size":60}]}]}""", "elements[0].price_components")]
    public async Task A_tariff_the_review_broke_with_is_refused_by_field(string body, string field)
    {
        var client = await fixture.PaymentClientAsync();
        var problem = await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Put, "api/v1/tariffs/reviewed", client.ApiKey, body), HttpStatusCode.UnprocessableEntity);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        Assert.Empty((await client.GetAsync("api/v1/tariffs")).GetProperty("tariffs").EnumerateArray());
    }

    [Fact]
    public async Task An_id_with_a_trailing_newline_is_not_a_second_tariff()
    {
        var client = await fixture.PaymentClientAsync();
        await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Put, "api/v1/tariffs/14%0A", client.ApiKey, Simple), HttpStatusCode.BadRequest);
        await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Put, "api/v1/charging/stations/CS%0A", client.ApiKey, "{}"), HttpStatusCode.BadRequest);
        Assert.Empty((await client.GetAsync("api/v1/tariffs")).GetProperty("tariffs").EnumerateArray());
    }

    [Theory]
    [InlineData("\"charging_periods\":[null]", "charging_periods[0]")]
    [InlineData("\"charging_periods\":[{\"start_date_time\":\"2024-01-15T09:00:00Z\",\"dimensions\":[null]}]", "charging_periods[0].dimensions")]
    [InlineData("\"charging_periods\":[{\"start_date_time\":\"2024-01-15T09:00:00Z\",\"dimensions\":[{\"type\":\"TIME\",\"volume\":1}],\"tariff_id\":\"other\"}]", "charging_periods[0].tariff_id")]
    public async Task A_quote_the_review_broke_with_is_refused_by_field(string periods, string field)
    {
        var client = await fixture.PaymentClientAsync();
        await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Put, "api/v1/tariffs/t", client.ApiKey, Simple), HttpStatusCode.Created);
        var body = $$"""{"start_date_time":"2024-01-15T09:00:00Z","end_date_time":"2024-01-15T10:00:00Z","time_zone":"UTC",{{periods}}}""";
        var problem = await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Post, "api/v1/tariffs/t/price", client.ApiKey, body), HttpStatusCode.UnprocessableEntity);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    [Fact]
    public async Task A_session_that_starts_outside_the_tariffs_validity_is_not_priced_with_it()
    {
        var client = await fixture.PaymentClientAsync();
        var tariff = Simple.Replace("\"currency\"", "\"start_date_time\":\"2025-01-01T00:00:00Z\",\"end_date_time\":\"2026-01-01T00:00:00Z\",\"currency\"", StringComparison.Ordinal);
        await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Put, "api/v1/tariffs/2025", client.ApiKey, tariff), HttpStatusCode.Created);
        foreach (var (start, status) in new[] { ("2024-12-31T23:00:00Z", HttpStatusCode.UnprocessableEntity), ("2025-06-01T10:00:00Z", HttpStatusCode.OK), ("2026-01-01T00:00:00Z", HttpStatusCode.UnprocessableEntity) })
        {
            var end = DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture).AddHours(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            var body = $$"""{"start_date_time":"{{start}}","end_date_time":"{{end}}","time_zone":"UTC","charging_periods":[{"start_date_time":"{{start}}","dimensions":[{"type":"TIME","volume":1}]}]}""";
            await PaymentClient.ExpectAsync(await SendAsync(HttpMethod.Post, "api/v1/tariffs/2025/price", client.ApiKey, body), status);
        }
    }

    private static (decimal ExclVat, decimal InclVat) Price(JsonElement price) => (price.GetProperty("excl_vat").GetDecimal(), price.GetProperty("incl_vat").GetDecimal());

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string apiKey, string json)
    {
        var request = fixture.Request(method, path, apiKey, json);
        return fixture.Http.SendAsync(request);
    }
}
