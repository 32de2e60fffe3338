using System.Collections.Concurrent;

namespace Pipeline.Application.Secrets;

/// <summary>
/// Secrets the platform itself holds (device keys, webhook signing secrets). Key Vault on Azure; in memory on one
/// machine (the local emulators keep their data in memory too, so both are gone when the host stops).
/// </summary>
public interface ISecretStore
{
    Task SetAsync(string name, string value, CancellationToken cancellationToken);

    /// <summary>The secret, or null when there is none by that name.</summary>
    Task<string?> GetAsync(string name, CancellationToken cancellationToken);
}

/// <summary>The local stand-in for Key Vault: a dictionary. There is no local Key Vault emulator.</summary>
public sealed class InMemorySecretStore : ISecretStore
{
    private readonly ConcurrentDictionary<string, string> secrets = new(StringComparer.Ordinal);

    public Task SetAsync(string name, string value, CancellationToken cancellationToken)
    {
        secrets[name] = value;
        return Task.CompletedTask;
    }

    public Task<string?> GetAsync(string name, CancellationToken cancellationToken) => Task.FromResult(secrets.GetValueOrDefault(name));
}
