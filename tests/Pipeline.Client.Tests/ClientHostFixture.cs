using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Pipeline.Local;

namespace Pipeline.Client.Tests;

/// <summary>One local host on a free loopback port, and generated clients for it: as the admin, as a merchant, as nobody.</summary>
public sealed class ClientHostFixture : IAsyncLifetime
{
    public string AdminKey { get; } = "adm_client_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    /// <summary>The collecting bank's webhook secret the host is set up with.</summary>
    public string BankSecret { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public LocalHost Host { get; private set; } = null!;

    /// <summary>Every response any client of this fixture received: method, path, status.</summary>
    public StatusRecorder Statuses { get; } = new();

    public async Task InitializeAsync()
    {
        Host = await LocalHost.StartAsync([], new Dictionary<string, string?>
        {
            ["Pipeline:Local:Url"] = "http://127.0.0.1:0",
            ["Pipeline:AdminKey"] = AdminKey,
            ["Pipeline:Collection:BankSecret"] = BankSecret,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Pipeline:Local:AzuriteFolder"] = Path.Combine(Path.GetTempPath(), "pipeline-client-tests-" + Guid.NewGuid().ToString("N")),
        });
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>A generated client that sends <paramref name="bearer"/> as its key (none when null), as a merchant's code would.</summary>
    public PipelineClient Client(string? bearer) => ClientThrough(bearer, new HttpClientHandler());

    /// <summary>A generated client as the collecting bank's system: every request signed over its raw body with the bank's secret.</summary>
    public PipelineClient BankClient() => ClientThrough(null, new BankSigningHandler(BankSecret) { InnerHandler = new HttpClientHandler() });

    private PipelineClient ClientThrough(string? bearer, HttpMessageHandler handler)
    {
        var http = new HttpClient(new RecordingHandler(Statuses) { InnerHandler = handler });
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return new PipelineClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = Host.BaseAddress.ToString().TrimEnd('/'),
        });
    }

    public async Task<string> ServedDocumentAsync()
    {
        using var http = new HttpClient { BaseAddress = Host.BaseAddress };
        return await http.GetStringAsync("api/v1/openapi.json");
    }

    /// <summary>Signs the body as serialised ("X-Bank-Signature: t=..,v1=.."), as a bank's client library would.</summary>
    private sealed class BankSigningHandler(string secret) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            request.Headers.Add("X-Bank-Signature", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"t={now},v1={Application.Devices.RequestSignature.Sign(secret, now, body)}"));
            return await base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class RecordingHandler(StatusRecorder statuses) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            statuses.Add(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode);
            return response;
        }
    }
}

public sealed class StatusRecorder
{
    private readonly List<(string Method, string Path, int Status)> seen = [];

    public IReadOnlyList<(string Method, string Path, int Status)> Seen
    {
        get
        {
            lock (seen)
            {
                return [.. seen];
            }
        }
    }

    public void Add(string method, string path, int status)
    {
        lock (seen)
        {
            seen.Add((method, path, status));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClientHostCollection : ICollectionFixture<ClientHostFixture>
{
    public const string Name = "Client host";
}
