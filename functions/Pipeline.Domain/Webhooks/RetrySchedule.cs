using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Domain.Webhooks;

/// <summary>
/// When a webhook delivery is tried again after a failed attempt: exponential back-off from
/// <see cref="FirstDelay"/>, doubling, capped at <see cref="LongestDelay"/>, each delay scaled by a jitter between
/// half and all of it — so receivers that failed together are not retried together — for at most
/// <see cref="Window"/> from the first attempt; the last attempt is made at the end of the window, then the delivery
/// has failed. The jitter comes from the delivery id and the attempt number, not from a random source: every process
/// computes the same schedule, and a test can check it.
/// </summary>
public static class RetrySchedule
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan LongestDelay = TimeSpan.FromHours(6);
    public static readonly TimeSpan Window = TimeSpan.FromDays(3);

    /// <summary>
    /// When to make attempt <paramref name="attemptsMade"/> + 1 of the delivery, in Unix microseconds, after an attempt
    /// that failed at <paramref name="failedAtMicros"/>; null when the window that began at
    /// <paramref name="firstAttemptMicros"/> has been used up (the delivery has failed).
    /// </summary>
    public static long? NextAttemptMicros(string deliveryId, int attemptsMade, long firstAttemptMicros, long failedAtMicros)
    {
        ArgumentNullException.ThrowIfNull(deliveryId);
        ArgumentOutOfRangeException.ThrowIfLessThan(attemptsMade, 1);
        var deadline = firstAttemptMicros + (long)Window.TotalMicroseconds;
        if (failedAtMicros >= deadline)
        {
            return null;
        }

        var doublings = Math.Min(attemptsMade - 1, 20);
        var delay = Math.Min(FirstDelay.TotalMicroseconds * Math.Pow(2, doublings), LongestDelay.TotalMicroseconds);
        var next = failedAtMicros + (long)(delay * (0.5 + (0.5 * Jitter(deliveryId, attemptsMade))));
        return Math.Min(next, deadline);
    }

    /// <summary>A number in [0, 1) fixed by the delivery and the attempt.</summary>
    private static double Jitter(string deliveryId, int attempt)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{deliveryId}\n{attempt}"), hash);
        return (BinaryPrimitives.ReadUInt64LittleEndian(hash) >> 11) / (double)(1UL << 53);
    }
}
