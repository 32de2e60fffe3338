using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Pipeline.Application.Devices;

namespace Pipeline.Application.Webhooks;

/// <summary>What one attempt came to.</summary>
public sealed record SendResult(bool Succeeded, DeliveryAttempt Attempt);

/// <summary>
/// Sends one delivery: POST of the stored body, signed (<c>Pipeline-Signature: t=&lt;unix&gt;,v1=&lt;hex&gt;[,v1=…]</c>, one
/// v1 per signing secret, the same scheme as devices and banks: <see cref="RequestSignature"/>), through
/// <see cref="SafeConnect"/>, with no proxy and no redirects, within <see cref="WebhookLimits.AttemptTimeout"/>. A 2xx is
/// success; anything else — a 3xx included — is a failure to retry.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public const string SignatureHeader = "Pipeline-Signature";
    public const string EventIdHeader = "Pipeline-Event-Id";
    public const string AttemptHeader = "Pipeline-Delivery-Attempt";

    private readonly HttpClient http;
    private readonly TimeProvider time;

    public WebhookSender(SafeConnect connect, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(connect);
        this.time = time;
        http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = connect.ConnectAsync,
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = WebhookLimits.ConnectTimeout,
            // Re-pointed names are resolved (and checked) again at least this often.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxConnectionsPerServer = WebhookLimits.EndpointConcurrency,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Pipeline-Webhooks", "1.0"));
    }

    public async Task<SendResult> SendAsync(Uri url, WebhookDelivery delivery, IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(secrets);
        var started = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var body = Encoding.UTF8.GetBytes(delivery.BodyToSend);
        var unix = started.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/cloudevents+json; charset=utf-8");
        request.Headers.TryAddWithoutValidation(SignatureHeader, Signature(secrets, unix, body));
        request.Headers.TryAddWithoutValidation(EventIdHeader, delivery.Id);
        request.Headers.TryAddWithoutValidation(AttemptHeader, (delivery.RoundAttempts + 1).ToString(CultureInfo.InvariantCulture));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(WebhookLimits.AttemptTimeout);
        var at = Cosmos.CosmosTime.ToMicros(started);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var excerpt = await ExcerptAsync(response, timeout.Token);
            var status = (int)response.StatusCode;
            return new SendResult(status is >= 200 and < 300, new DeliveryAttempt(at, status, null, clock.ElapsedMilliseconds, excerpt));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(at, clock, "timeout");
        }
        catch (HttpRequestException e)
        {
            return Failed(at, clock, e.InnerException is AddressNotAllowedException ? "address_not_allowed" : "connection_failed");
        }
    }

    public void Dispose() => http.Dispose();

    /// <summary>t=&lt;unix&gt;, then v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;body&gt;")&gt; for each secret (during a rotation's overlap, two).</summary>
    public static string Signature(IReadOnlyList<string> secrets, long unixSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var header = new StringBuilder("t=").Append(unixSeconds.ToString(CultureInfo.InvariantCulture));
        foreach (var secret in secrets)
        {
            header.Append(",v1=").Append(RequestSignature.Sign(secret, unixSeconds, body));
        }

        return header.ToString();
    }

    private static SendResult Failed(long at, Stopwatch clock, string error) => new(false, new DeliveryAttempt(at, null, error, clock.ElapsedMilliseconds, null));

    /// <summary>
    /// The start of the receiver's answer (no more is read), as text. Its status decided the attempt already: a body that
    /// is slow or breaks off only shortens the excerpt.
    /// </summary>
    private static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[WebhookLimits.ResponseExcerptBytes];
        var read = 0;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), cancellationToken) is var n and > 0)
            {
                read += n;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or HttpRequestException)
        {
            // Keep what arrived.
        }

        return read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read);
    }
}
