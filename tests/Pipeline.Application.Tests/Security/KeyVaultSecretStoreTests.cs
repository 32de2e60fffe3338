using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Secrets;

namespace Pipeline.Application.Tests.Security;

/// <summary>
/// The Key Vault adapter against the SDK's own test seam (SecretClient's protected constructor and virtual
/// methods): there is no Key Vault emulator to run here.
/// </summary>
public sealed class KeyVaultSecretStoreTests
{
    private readonly FakeTimeProvider clock = new();
    private readonly RecordingSecretClient client = new();

    [Fact]
    public async Task A_secret_is_written_then_read_from_the_cache_until_it_expires()
    {
        var store = new KeyVaultSecretStore(client, clock);
        await store.SetAsync("device-1", "s3cret", CancellationToken.None);

        Assert.Equal("s3cret", await store.GetAsync("device-1", CancellationToken.None));
        Assert.Equal(0, client.Reads);

        clock.Advance(KeyVaultSecretStore.CacheDuration + TimeSpan.FromSeconds(1));
        Assert.Equal("s3cret", await store.GetAsync("device-1", CancellationToken.None));
        Assert.Equal(1, client.Reads);
        Assert.Equal("s3cret", await store.GetAsync("device-1", CancellationToken.None));
        Assert.Equal(1, client.Reads);
    }

    [Fact]
    public async Task A_missing_secret_is_null()
    {
        var store = new KeyVaultSecretStore(client, clock);

        Assert.Null(await store.GetAsync("nope", CancellationToken.None));
    }

    private sealed class RecordingSecretClient : SecretClient
    {
        private readonly Dictionary<string, string> vault = [];

        public int Reads { get; private set; }

        public override Task<Response<KeyVaultSecret>> SetSecretAsync(string name, string value, CancellationToken cancellationToken = default)
        {
            vault[name] = value;
            return Task.FromResult(Response.FromValue(new KeyVaultSecret(name, value), new EmptyResponse(200)));
        }

        public override Task<Response<KeyVaultSecret>> GetSecretAsync(string name, string? version = null, CancellationToken cancellationToken = default)
        {
            Reads++;
            return vault.TryGetValue(name, out var value)
                ? Task.FromResult(Response.FromValue(new KeyVaultSecret(name, value), new EmptyResponse(200)))
                : throw new RequestFailedException(404, "SecretNotFound");
        }
    }

    private sealed class EmptyResponse(int status) : Response
    {
        public override int Status => status;

        public override string ReasonPhrase => "";

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = "";

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => false;

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = null;
            return false;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = null;
            return false;
        }
    }
}
