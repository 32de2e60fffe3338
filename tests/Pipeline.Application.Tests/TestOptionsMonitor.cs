using Microsoft.Extensions.Options;

namespace Pipeline.Application.Tests;

/// <summary>Options that do not change.</summary>
internal sealed class TestOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
