using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Composition;
using Pipeline.Functions;

namespace Pipeline.Local.Tests;

/// <summary>Both hosts serve exactly the route table: same methods, same paths, nothing else.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class RouteParityTests(LocalHostFixture fixture)
{
    private static readonly string[] Table = [.. ApiRoutes.All.Select(r => $"{r.Method} {r.Template}").Order()];

    [Fact]
    public void Every_http_trigger_of_the_functions_app_is_a_route_of_the_table_and_back()
    {
        var triggers = typeof(ApiFunctions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .SelectMany(m => m.GetParameters().Select(p => (Function: m.GetCustomAttribute<FunctionAttribute>()!.Name, Trigger: p.GetCustomAttribute<HttpTriggerAttribute>())))
            .Where(p => p.Trigger is not null)
            .SelectMany(p => p.Trigger!.Methods!.Select(method => (p.Function, Route: $"{method.ToUpperInvariant()} {p.Trigger.Route}")))
            .ToList();

        Assert.Equal(Table, triggers.Select(t => t.Route).Order());
        Assert.Equal(ApiRoutes.All.Select(r => r.Name).Order(), triggers.Select(t => t.Function).Order());
    }

    [Fact]
    public void The_local_host_maps_every_route_of_the_table_and_nothing_else()
    {
        var endpoints = fixture.Host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText!.TrimStart('/')[4..]}"))
            .Order();

        Assert.Equal(Table, endpoints);
    }

    [Fact]
    public void Host_json_puts_the_durable_settings_under_extensions_and_serves_under_api()
    {
        var root = Local.Emulators.CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory);
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "host.json")));
        var extensions = hostJson.RootElement.GetProperty("extensions");

        Assert.Equal("2.0", hostJson.RootElement.GetProperty("version").GetString());
        Assert.Equal("api", extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("AzureStorage", extensions.GetProperty("durableTask").GetProperty("storageProvider").GetProperty("type").GetString());
        Assert.False(hostJson.RootElement.TryGetProperty("durableTask", out _), "durableTask belongs under extensions.");
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(typeof(ApiFunctions).Assembly.Location)!, "host.json")), "host.json is copied into the Functions app.");
    }
}
