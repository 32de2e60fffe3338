using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Application.Composition;
using Pipeline.Application.Devices;

namespace Pipeline.Local.Tests;

[Collection(LocalHostCollection.Name)]
public sealed class ServiceTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task Health_reports_each_dependency()
    {
        using var response = await fixture.Http.GetAsync("api/v1/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("cosmos").GetString());
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("taskHub").GetString());
    }

    [Fact]
    public async Task The_openapi_document_describes_every_route_and_the_problem_format()
    {
        using var response = await fixture.Http.GetAsync("api/v1/openapi.json");
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        foreach (var route in ApiRoutes.All)
        {
            var operation = document.GetProperty("paths").GetProperty(route.Path).GetProperty(route.Method.ToLowerInvariant());
            Assert.Equal(route.Name, operation.GetProperty("operationId").GetString());
            Assert.True(operation.GetProperty("responses").TryGetProperty("default", out _));
            Assert.True(operation.GetProperty("responses").TryGetProperty(route.SuccessStatus.ToString(CultureInfo.InvariantCulture), out _), route.Name);
        }

        // A body whose fields are all optional may be left out; a capture answers 200, a refund creates (201).
        var capture = document.GetProperty("paths").GetProperty("/api/v1/payments/{id}/capture").GetProperty("post");
        Assert.False(capture.GetProperty("requestBody").GetProperty("required").GetBoolean());
        Assert.True(capture.GetProperty("responses").TryGetProperty("200", out _));
        var payment = document.GetProperty("paths").GetProperty("/api/v1/payments").GetProperty("post");
        Assert.True(payment.GetProperty("requestBody").GetProperty("required").GetBoolean());
        Assert.True(document.GetProperty("paths").GetProperty("/api/v1/payments/{id}/refunds").GetProperty("post").GetProperty("responses").TryGetProperty("201", out _));

        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("Problem", out _));
        var create = document.GetProperty("paths").GetProperty("/api/v1/merchants").GetProperty("post");
        Assert.Equal("#/components/schemas/CreateMerchantRequest", create.GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal("string", document.GetProperty("components").GetProperty("schemas").GetProperty("CreateMerchantRequest")
            .GetProperty("properties").GetProperty("name").GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_openapi_document_states_the_idempotency_rules_and_the_device_secret_overlap()
    {
        using var response = await fixture.Http.GetAsync("api/v1/openapi.json");
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();

        var rules = document.GetProperty("info").GetProperty("description").GetString();
        Assert.Contains("not kept, so the corrected request may use the key", rules, StringComparison.Ordinal);
        Assert.Contains("secretNotice", rules, StringComparison.Ordinal);
        var rotation = document.GetProperty("paths").GetProperty("/api/v1/devices/{id}/secret-rotations").GetProperty("post");
        Assert.Contains($"for {DeviceLimits.SecretOverlap.TotalHours} hours", rotation.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pricing_is_set_and_shown_with_the_merchant()
    {
        var (id, key) = await fixture.CreateMerchantAsync("Priced");
        using var set = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Put, $"api/v1/merchants/{id}/pricing", fixture.AdminKey,
            new { percentBps = 140, fixedMinor = 25, currency = "EUR" }));
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        using var me = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/merchants/me", key));
        var pricing = (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pricing");
        Assert.Equal(140, pricing.GetProperty("percentBps").GetInt32());
        Assert.Equal("EUR", pricing.GetProperty("currency").GetString());
        Assert.EndsWith("Z", (await (await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, "api/v1/merchants/me", key))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("createdAt").GetString());
    }
}
