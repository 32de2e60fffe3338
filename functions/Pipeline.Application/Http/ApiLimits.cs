namespace Pipeline.Application.Http;

/// <summary>Every bound the HTTP surface enforces, in one place. Enforced at the edge, before any work.</summary>
public static class ApiLimits
{
    /// <summary>Largest request body accepted; larger ones get 413 body_too_large.</summary>
    public const int BodyBytesMax = 64 * 1024;

    public const int IdempotencyKeyLengthMax = 255;

    /// <summary>How long a stored response can be replayed (the contract promises at least 24 h).</summary>
    public static readonly TimeSpan IdempotencyRetention = TimeSpan.FromHours(48);

    /// <summary>
    /// How long a request holds its Idempotency-Key without renewing: after this, one that is still "in progress" is
    /// presumed dead (a killed process) and the same request may take the key over. Short, so a retry after a crash
    /// waits seconds, not minutes; a request that is merely slow keeps renewing and is never taken over.
    /// </summary>
    public static readonly TimeSpan IdempotencyLease = TimeSpan.FromSeconds(10);

    /// <summary>How often a running request renews its lease: a fifth of it, so a late or failed renewal does not lose the key.</summary>
    public static readonly TimeSpan IdempotencyLeaseRenewal = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a request that finds a lapsed lease watches the record before taking it over: longer than two renewal
    /// periods, so a holder that is alive renews meanwhile even if one renewal fails, whatever the two instances'
    /// clocks say (the lapse itself is judged on the taker's clock against the holder's, and clocks differ).
    /// </summary>
    public static readonly TimeSpan IdempotencyLeaseConfirmation = (IdempotencyLeaseRenewal * 2) + TimeSpan.FromSeconds(1);

    public const int NameLengthMax = 200;
}
