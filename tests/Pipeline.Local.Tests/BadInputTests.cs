using System.Net;
using System.Text;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Merchants;

namespace Pipeline.Local.Tests;

/// <summary>
/// A generated matrix of malformed requests across the routes: every one gets a 4xx problem with a stable code,
/// none a 5xx, and no document is written.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class BadInputTests(LocalHostFixture fixture)
{
    private static readonly string[] MalformedBodies =
    [
        "", "{", "[]", "null", "42", "\"name\"", "{\"name\":}", "{\"name\":\"a\",}", "{\"name\":\"a\"} trailing",
        "{\"name\":null}", "{\"name\":42}", "{\"name\":\"\"}", "{\"name\":\"   \"}", "{\"nom\":\"a\"}", "{\"name\":\"a\",\"extra\":true}",
        "{\"percentBps\":-1,\"fixedMinor\":0,\"currency\":\"EUR\"}", "{\"percentBps\":10001,\"fixedMinor\":0,\"currency\":\"EUR\"}",
        "{\"percentBps\":1,\"fixedMinor\":-5,\"currency\":\"EUR\"}", "{\"percentBps\":1,\"fixedMinor\":0,\"currency\":\"eur\"}",
        "{\"percentBps\":1,\"fixedMinor\":0,\"currency\":\"XAU\"}", "{\"percentBps\":\"1\",\"fixedMinor\":0,\"currency\":\"EUR\"}",
        "{\"percentBps\":1.5,\"fixedMinor\":0,\"currency\":\"EUR\"}", "{\"percentBps\":1,\"fixedMinor\":99999999999999999999,\"currency\":\"EUR\"}",
        "{\"percentBps\":1,\"currency\":\"EUR\"}", "{/*c*/\"name\":\"a\"}", "\uFEFF{\"name\":\"a\"", "{\"name\":\"a\u0000\"",
        "{\"name\":\"" + new string('n', 201) + "\"}",
    ];

    private static readonly string[] ContentTypes = ["application/json", "text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data"];

    public static IEnumerable<object[]> Matrix()
    {
        foreach (var (method, path) in new[] { ("POST", "api/v1/merchants"), ("PUT", "api/v1/merchants/{id}/pricing") })
        {
            foreach (var body in MalformedBodies)
            {
                foreach (var contentType in ContentTypes)
                {
                    yield return [method, path, body, contentType];
                }
            }
        }
    }

    [Fact]
    public async Task Malformed_requests_get_a_problem_and_change_nothing()
    {
        var (merchantId, _) = await fixture.CreateMerchantAsync("Target");
        var before = await CountDocumentsAsync();
        var cases = Matrix().ToList();
        Assert.True(cases.Count >= 200, $"Only {cases.Count} cases.");
        var outcomes = new List<string>();
        foreach (var c in cases)
        {
            var (method, path, body, contentType) = ((string)c[0], ((string)c[1]).Replace("{id}", merchantId, StringComparison.Ordinal), (string)c[2], (string)c[3]);
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            request.Headers.Authorization = new("Bearer", fixture.AdminKey);
            using var response = await fixture.Http.SendAsync(request);
            var status = (int)response.StatusCode;
            var valid = status is >= 400 and < 500 && response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            if (!valid && !(status == 200 && body.Contains("\"percentBps\":1,\"fixedMinor\":0,\"currency\":\"EUR\"", StringComparison.Ordinal)))
            {
                outcomes.Add($"{method} {path} [{contentType}] {body} -> {status}");
            }
        }

        Assert.Empty(outcomes);
        Assert.Equal(before, await CountDocumentsAsync());
    }

    [Theory]
    [InlineData("GET", "api/v1/nowhere", HttpStatusCode.NotFound, "not_found")]
    [InlineData("DELETE", "api/v1/merchants", HttpStatusCode.MethodNotAllowed, "method_not_allowed")]
    [InlineData("GET", "api/v2/health", HttpStatusCode.NotFound, "not_found")]
    [InlineData("POST", "api/v1/health", HttpStatusCode.MethodNotAllowed, "method_not_allowed")]
    public async Task Unknown_routes_and_methods_are_problems(string method, string path, HttpStatusCode status, string code)
    {
        using var response = await fixture.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await AuthTests.AssertProblem(response, status, code);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task A_body_that_is_not_json_is_415(string contentType)
    {
        using var request = fixture.Request(HttpMethod.Post, "api/v1/merchants", fixture.AdminKey);
        request.Content = new StringContent("{\"name\":\"x\"}", Encoding.UTF8, contentType);
        using var response = await fixture.Http.SendAsync(request);

        await AuthTests.AssertProblem(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_even_without_a_content_length()
    {
        using var request = fixture.Request(HttpMethod.Post, "api/v1/merchants", fixture.AdminKey);
        request.Content = new StreamContent(new MemoryStream(new byte[Application.Http.ApiLimits.BodyBytesMax + 1]));
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        using var response = await fixture.Http.SendAsync(request);

        await AuthTests.AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, "body_too_large");
    }

    [Fact]
    public async Task Validation_errors_name_each_field()
    {
        var (id, _) = await fixture.CreateMerchantAsync();
        using var response = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Put, $"api/v1/merchants/{id}/pricing", fixture.AdminKey,
            new { percentBps = 20_000, fixedMinor = -1, currency = "eur" }));

        var errors = (await AuthTests.AssertProblem(response, HttpStatusCode.UnprocessableEntity, "validation_failed")).GetProperty("errors");
        Assert.Equal(["currency", "fixedMinor", "percentBps"], errors.EnumerateObject().Select(p => p.Name).Order());
    }

    private async Task<int> CountDocumentsAsync()
    {
        var database = fixture.Host.App.Services.GetRequiredService<Database>();
        var total = 0;
        foreach (var name in new[] { MerchantStore.MerchantsContainer, MerchantStore.ApiKeysContainer, "idempotency" })
        {
            using var query = database.GetContainer(name).GetItemQueryIterator<int>("SELECT VALUE COUNT(1) FROM c");
            total += (await query.ReadNextAsync()).Single();
        }

        return total;
    }
}
