using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Local.Tests;

/// <summary>One local host (with its own Cosmos emulator) on a free loopback port for the whole collection.</summary>
public class LocalHostFixture : IAsyncLifetime
{
    public string AdminKey { get; } = "adm_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    /// <summary>The collecting bank's webhook secret the host is set up with.</summary>
    public string BankSecret { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public LocalHost Host { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    private Dictionary<string, string?> settings = [];

    public virtual async Task InitializeAsync()
    {
        settings = new Dictionary<string, string?>
        {
            ["Pipeline:Local:Url"] = "http://127.0.0.1:0",
            ["Pipeline:AdminKey"] = AdminKey,
            ["Pipeline:Collection:BankSecret"] = BankSecret,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Pipeline:Maintenance:Interval"] = "00:00:01",
            ["Pipeline:Local:AzuriteFolder"] = Path.Combine(Path.GetTempPath(), "pipeline-tests-" + Guid.NewGuid().ToString("N")),
        };
        foreach (var (name, value) in ExtraSettings)
        {
            settings[name] = value;
        }

        Host = await LocalHost.StartAsync([], settings, ConfigureServices);
        // Through a handler that follows the host: a restarted host listens on another port, and clients made before keep working.
        Http = new HttpClient(new CurrentHostHandler(() => Host.BaseAddress)) { BaseAddress = Host.BaseAddress };
    }

    /// <summary>
    /// Stops the host and starts another with the same settings (what a deployment or a crash does). Only meaningful with
    /// emulators that outlive a host (a derived fixture that starts its own): the host's own Cosmos emulator dies with it.
    /// </summary>
    public async Task RestartAsync()
    {
        await Host.DisposeAsync();
        Host = await LocalHost.StartAsync([], settings, ConfigureServices);
    }

    /// <summary>Settings a derived fixture adds to (or changes in) the host's.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>();

    /// <summary>Services a derived fixture puts in place of the host's own (a clock it moves).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public virtual async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? bearer = null, object? json = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (json is not null)
        {
            request.Content = json is string raw
                ? new StringContent(raw, System.Text.Encoding.UTF8, "application/json")
                : JsonContent.Create(json);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    /// <summary>A new merchant, as a client of the payment routes.</summary>
    internal async Task<PaymentClient> PaymentClientAsync()
    {
        var (id, key) = await CreateMerchantAsync();
        return new PaymentClient(Http, id, key, Host.App.Services);
    }

    /// <summary>Creates a merchant as the admin; returns its id and API key.</summary>
    public async Task<(string Id, string ApiKey)> CreateMerchantAsync(string name = "Test merchant")
    {
        using var response = await Http.SendAsync(Request(HttpMethod.Post, "api/v1/merchants", AdminKey, new { name }));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetString()!, body.GetProperty("apiKey").GetString()!);
    }
}

/// <summary>Sends each request to the host's current address, whatever address the client was made with.</summary>
internal sealed class CurrentHostHandler(Func<Uri> current) : DelegatingHandler(new HttpClientHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var address = current();
        request.RequestUri = new UriBuilder(request.RequestUri!) { Host = address.Host, Port = address.Port }.Uri;
        return base.SendAsync(request, cancellationToken);
    }
}

[CollectionDefinition(Name)]
public sealed class LocalHostCollection : ICollectionFixture<LocalHostFixture>
{
    public const string Name = "Local host";
}
