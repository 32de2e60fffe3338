using System.Text;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Pipeline.Application.Http;
using OpenApiDocument = Microsoft.OpenApi.OpenApiDocument;
using Pipeline.Application.Composition;

namespace Pipeline.Client.Tests;

/// <summary>
/// The OpenAPI document clients are generated from: docs/openapi.json is exactly what the service serves, an OpenAPI
/// parser reads it without an error or a warning, and each operation states its real authentication, its path
/// parameters and its success status.
/// </summary>
[Collection(ClientHostCollection.Name)]
public sealed class OpenApiDocumentTests(ClientHostFixture fixture)
{
    private static readonly string Committed = Path.Combine(AppContext.BaseDirectory, "../../../../../docs/openapi.json");

    [Fact]
    public async Task The_committed_document_is_the_one_the_service_serves()
    {
        var served = JsonNode.Parse(await fixture.ServedDocumentAsync());
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(Committed));

        Assert.True(JsonNode.DeepEquals(served, committed),
            "docs/openapi.json is out of date: run `dotnet run --project functions/Pipeline.Local -- openapi > docs/openapi.json`.");
    }

    [Fact]
    public async Task An_openapi_parser_reads_the_document_without_errors_or_warnings()
    {
        var (document, diagnostic) = await ReadAsync();

        Assert.Empty(diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Empty(diagnostic.Warnings.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Equal(ApiRoutes.All.Count, document.Paths.Sum(p => p.Value.Operations!.Count));
    }

    [Fact]
    public async Task Each_operation_states_its_authentication_path_parameters_and_success_status()
    {
        var (document, _) = await ReadAsync();
        foreach (var route in ApiRoutes.All)
        {
            var operation = document.Paths[route.Path].Operations![HttpMethod.Parse(route.Method)];
            var schemes = operation.Security?.SelectMany(requirement => requirement.Keys.Select(k => k.Reference.Id)).Order().ToArray() ?? [];
            string[] expected = route.Access switch
            {
                Access.Anyone => [],
                Access.Merchant => ["merchantKey"],
                Access.Admin => ["adminKey"],
                Access.MerchantOrAdmin => ["adminKey", "merchantKey"],
                Access.Bank => ["bankSignature"],
                _ => ["deviceId", "deviceSignature", "deviceTimestamp"],
            };
            Assert.True(expected.SequenceEqual(schemes), $"{route.Method} {route.Path} states {string.Join(",", schemes)}; it is {route.Access}.");

            var templated = route.Template.Split('/').Where(s => s.StartsWith('{')).Select(s => s[1..^1]).Order();
            var declared = (operation.Parameters ?? []).Where(p => p.In == ParameterLocation.Path).Select(p => p.Name!).Order();
            Assert.Equal(templated, declared);
            Assert.Contains(route.SuccessStatus.ToString(System.Globalization.CultureInfo.InvariantCulture), operation.Responses!.Keys);
        }
    }

    private static async Task<(OpenApiDocument Document, OpenApiDiagnostic Diagnostic)> ReadAsync()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(await File.ReadAllTextAsync(Committed)));
        var result = await OpenApiDocument.LoadAsync(stream, "json");
        return (result.Document!, result.Diagnostic!);
    }
}
