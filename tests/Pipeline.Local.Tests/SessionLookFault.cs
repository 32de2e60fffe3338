using System.Diagnostics;
using Microsoft.Extensions.Options;
using Pipeline.Application.Charging;
using Pipeline.Application.Charging.Sessions;

namespace Pipeline.Local.Tests;

/// <summary>
/// The charging options as the host has them, except that once armed, the session finalizer's next read of them throws:
/// one look of a session's orchestration fails, as it does when Cosmos DB is slow or the payment busy. Only the
/// finalizer's reads (found on the stack) trip it, so a request reading the options meanwhile cannot use it up.
/// </summary>
public sealed class SessionLookFault(IOptions<ChargingOptions> inner) : IOptions<ChargingOptions>
{
    private int armed;
    private int fired;

    /// <summary>Whether the armed failure happened.</summary>
    public bool Fired => Volatile.Read(ref fired) == 1;

    public ChargingOptions Value
    {
        get
        {
            if (Volatile.Read(ref armed) == 1 && ReadByFinalizer() && Interlocked.Exchange(ref armed, 0) == 1)
            {
                Volatile.Write(ref fired, 1);
                throw new InvalidOperationException("Injected by the test: this look at the session fails.");
            }

            return inner.Value;
        }
    }

    public void FailNextLook() => Volatile.Write(ref armed, 1);

    private static bool ReadByFinalizer() =>
        new StackTrace().GetFrames().Select(f => f.GetMethod()?.DeclaringType).Any(t => t == typeof(SessionFinalizer) || t?.DeclaringType == typeof(SessionFinalizer));
}
