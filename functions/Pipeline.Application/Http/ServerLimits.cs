using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Pipeline.Application.Http;

/// <summary>
/// What the web server (Kestrel, in the local host and in the Functions worker alike) enforces before any of our code
/// runs, set here explicitly rather than left to its defaults. Request line, header and header-count limits are
/// answered by the server itself with an empty 414 or 431; a body that stops arriving or arrives too slowly, and broken
/// chunked framing, reach our pipeline as a failed read and are answered 408 / 400 problems (<see cref="Composition.Api"/>).
/// </summary>
public static class ServerLimits
{
    public const int RequestLineBytesMax = 8 * 1024;

    public const int RequestHeadersBytesMax = 32 * 1024;

    public const int RequestHeaderCountMax = 100;

    /// <summary>Time to send the request line and headers.</summary>
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A body must keep arriving at this rate, after a grace period, or the request ends with 408.</summary>
    public static readonly MinDataRate MinBodyRate = new(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));

    public static void Apply(KestrelServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.MaxRequestLineSize = RequestLineBytesMax;
        limits.MaxRequestHeadersTotalSize = RequestHeadersBytesMax;
        limits.MaxRequestHeaderCount = RequestHeaderCountMax;
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.MinRequestBodyDataRate = MinBodyRate;
        limits.MaxRequestBodySize = ApiLimits.BodyBytesMax;
    }
}
