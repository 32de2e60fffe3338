namespace Pipeline.Application.Http;

/// <summary>Every bound the HTTP surface enforces, in one place. Enforced at the edge, before any work.</summary>
public static class ApiLimits
{
    /// <summary>Largest request body accepted; larger ones get 413 body_too_large.</summary>
    public const int BodyBytesMax = 64 * 1024;

    public const int IdempotencyKeyLengthMax = 255;

    /// <summary>How long a stored response can be replayed (the contract promises at least 24 h).</summary>
    public static readonly TimeSpan IdempotencyRetention = TimeSpan.FromHours(48);

    /// <summary>After this, a request still "in progress" is presumed dead and its key may be taken over.</summary>
    public static readonly TimeSpan IdempotencyLockTimeout = TimeSpan.FromMinutes(2);

    public const int NameLengthMax = 200;
}
