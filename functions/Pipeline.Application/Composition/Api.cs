using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Collection;
using Pipeline.Application.Devices;
using Pipeline.Application.Diagnostics;
using Pipeline.Application.Http;
using Pipeline.Application.Idempotency;

namespace Pipeline.Application.Composition;

/// <summary>
/// The one pipeline every request goes through on both hosts: request id, authentication and access, the body
/// size limit, idempotency, the handler, and the mapping of anything unexpected to a 500 problem that says
/// nothing about internals. Handlers only see a checked <see cref="ApiRequest"/>.
/// </summary>
public static class Api
{
    public const string RequestIdHeader = "X-Request-Id";
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static async Task<IResult> DispatchAsync(HttpContext http, ApiRoute route)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(route);
        var requestId = StampRequestId(http);
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Pipeline.Api");
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId, ["Route"] = route.Name });
        using var activity = Telemetry.Source.StartActivity(route.Name);
        activity?.SetTag("pipeline.request_id", requestId);
        ApiResponse response;
        try
        {
            response = await HandleAsync(http, route);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && http.RequestAborted.IsCancellationRequested)
        {
            // The client went away (a load generator ending its run drops connections mid-request): nobody reads this.
            logger.LogDebug(e, "Request {RequestId} to {Route} was abandoned by the client", requestId, route.Name);
            response = ApiResponse.Problem(499, ErrorCodes.Unavailable, "The client closed the request.");
        }
        catch (BadHttpRequestException e)
        {
            // The request itself is broken (chunked framing, a body that stopped arriving or is over the server's
            // limit): the client's doing, which anyone can cause, so it is answered as such and logged at debug.
            logger.LogDebug(e, "Request {RequestId} to {Route} was malformed: {Reason}", requestId, route.Name, e.Message);
            http.Response.Headers.Connection = "close";
            response = BrokenRequest(e.StatusCode);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Request {RequestId} to {Route} failed", requestId, route.Name);
            response = ApiResponse.Problem(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError,
                $"Something went wrong on our side. Quote request id {requestId} when you report it.");
        }

        activity?.SetTag("http.response.status_code", response.Status);
        logger.LogInformation("{Method} {Route} answered {Status}", route.Method, route.Name, response.Status);
        return new ApiResult(response);
    }

    private static ApiResponse BrokenRequest(int status) => status switch
    {
        StatusCodes.Status408RequestTimeout => ApiResponse.Problem(status, ErrorCodes.RequestTimeout,
            $"The body stopped arriving (at least {ServerLimits.MinBodyRate.BytesPerSecond} bytes/s after {ServerLimits.MinBodyRate.GracePeriod.TotalSeconds} s)."),
        StatusCodes.Status413PayloadTooLarge => ApiResponse.Problem(status, ErrorCodes.BodyTooLarge, $"Bodies are limited to {ApiLimits.BodyBytesMax} bytes."),
        _ => ApiResponse.Problem(StatusCodes.Status400BadRequest, ErrorCodes.MalformedRequest, "The request is malformed (its framing or encoding cannot be read)."),
    };

    /// <summary>Answers a path that no route serves, in the same problem format.</summary>
    public static IResult NotFound(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        StampRequestId(http);
        var known = ApiRoutes.All.Any(r => r.Match(TrimApi(http.Request.Path)) is not null);
        var response = known
            ? ApiResponse.Problem(StatusCodes.Status405MethodNotAllowed, ErrorCodes.MethodNotAllowed, $"{http.Request.Method} is not allowed on this path.")
            : ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No route serves this path.");
        return new ApiResult(response);
    }

    private static async Task<ApiResponse> HandleAsync(HttpContext http, ApiRoute route)
    {
        // A key is checked before the body is read (nobody without one makes us read a statement file); a signature
        // covers the body, so it is read first, within the route's limit.
        var (caller, denied) = route.SignedOverBody ? (Caller.Anonymous, null) : await AuthenticateAsync(http, route, []);
        if (denied is not null)
        {
            return denied;
        }

        var body = await RequestBody.ReadAsync(http.Request, route.BodyBytesMax);
        if (body is null)
        {
            // The rest of the body is not read, so the connection cannot carry another request: say so, or a client
            // that reuses it sees its next request fail.
            http.Response.Headers.Connection = "close";
            return ApiResponse.Problem(StatusCodes.Status413PayloadTooLarge, ErrorCodes.BodyTooLarge, $"Bodies are limited to {route.BodyBytesMax} bytes here.");
        }

        if (route.SignedOverBody)
        {
            (caller, denied) = await AuthenticateAsync(http, route, body);
            if (denied is not null)
            {
                return denied;
            }
        }

        var routeValues = route.Match(TrimApi(http.Request.Path)) ?? new Dictionary<string, string>();
        var request = new ApiRequest(http, caller, routeValues, body);
        var key = http.Request.Headers[IdempotencyKeyHeader].ToString();
        if (route.Method != HttpMethods.Post || key.Length == 0)
        {
            return await route.Handle(request);
        }

        var (response, replayed) = await http.RequestServices.GetRequiredService<IdempotencyStore>()
            .RunOnceAsync(caller.IdempotencyScope, key, http.Request, body, () => route.Handle(request), http.RequestAborted);
        if (replayed)
        {
            http.Response.Headers[ReplayedHeader] = "true";
        }

        return response;
    }

    /// <summary>Device routes are authenticated by the request signature (over the raw body); the others by the bearer key.</summary>
    private static async Task<(Caller Caller, ApiResponse? Denied)> AuthenticateAsync(HttpContext http, ApiRoute route, byte[] body)
    {
        if (route.Access == Access.Device)
        {
            var (device, check) = await http.RequestServices.GetRequiredService<DeviceAuthenticator>().AuthenticateAsync(http.Request, body, http.RequestAborted);
            return device is not null
                ? (device, null)
                : (Caller.Anonymous, ApiResponse.Problem(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidSignature,
                    $"The request signature was refused ({check.ToString().ToLowerInvariant()}): sign \"<timestamp>.<raw body>\" with the device secret, within {RequestSignature.Tolerance.TotalSeconds} s, once."));
        }

        if (route.Access == Access.Bank)
        {
            var check = await http.RequestServices.GetRequiredService<BankAuthenticator>().AuthenticateAsync(http.Request, body, http.RequestAborted);
            return check == SignatureCheck.Valid
                ? (Caller.Bank, null)
                : (Caller.Anonymous, ApiResponse.Problem(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidSignature,
                    $"The bank signature was refused ({check.ToString().ToLowerInvariant()}): {BankAuthenticator.SignatureHeader}: t=<unix seconds>,v1=<hex HMAC-SHA256(bank secret, \"<t>.<raw body>\")>, within {RequestSignature.Tolerance.TotalSeconds} s, once."));
        }

        // A route open to anyone never looks at the key, so a key sent anyway costs no lookups.
        if (route.Access == Access.Anyone)
        {
            return (Caller.Anonymous, null);
        }

        var caller = await http.RequestServices.GetRequiredService<Authenticator>().AuthenticateAsync(http.Request, http.RequestAborted);
        return (caller, Authorize(caller, route.Access));
    }

    private static ApiResponse? Authorize(Caller caller, Access access) => (access, caller.Kind) switch
    {
        (Access.Anyone, _) or (Access.Admin, CallerKind.Admin) or (Access.Merchant, CallerKind.Merchant)
            or (Access.MerchantOrAdmin, CallerKind.Merchant or CallerKind.Admin) => null,
        (_, CallerKind.Anonymous) => ApiResponse.Problem(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Send your key as 'Authorization: Bearer <key>'."),
        _ => ApiResponse.Problem(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, access == Access.MerchantOrAdmin ? "This route needs a merchant or admin key." : $"This route needs a {access.ToString().ToLowerInvariant()} key."),
    };

    /// <summary>Every response carries a request id, to quote in a support request and to find in the logs.</summary>
    private static string StampRequestId(HttpContext http)
    {
        var requestId = ResourceIds.New("req_");
        http.Response.Headers[RequestIdHeader] = requestId;
        return requestId;
    }

    private static string TrimApi(PathString path) =>
        path.StartsWithSegments("/api", out var rest) ? rest.Value ?? "" : path.Value ?? "";
}
