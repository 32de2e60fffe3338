namespace Pipeline.Application.Cosmos;

/// <summary>
/// The one policy of every compare-and-swap loop against Cosmos DB (an If-Match write that lost to another writer
/// reads again and tries again): a bounded number of attempts, and after each conflict a short random pause that
/// grows with the attempt, so writers that collided do not collide again in step.
/// </summary>
public static class Contention
{
    /// <summary>Attempts at one compare-and-swap before giving up: enough for 256 writers on one account.</summary>
    public const int AttemptsMax = 400;

    /// <summary>Upper bound of the pause between two attempts.</summary>
    public static readonly TimeSpan BackoffMax = TimeSpan.FromMilliseconds(8);

    /// <summary>The pause after conflict number <paramref name="attempt"/> (0-based): random, up to 2^attempt ms, at most <see cref="BackoffMax"/>.</summary>
    public static Task BackOffAsync(int attempt, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var ceiling = Math.Min(BackoffMax.TotalMilliseconds, 1 << Math.Min(attempt, 10));
        return Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling), cancellationToken);
    }
}
