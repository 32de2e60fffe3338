using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Application.Http;

/// <summary>
/// What a handler answers: a status and a JSON body, already serialised, so the dispatcher can store it for an
/// idempotent replay and write it the same way on both hosts.
/// </summary>
public sealed record ApiResponse(int Status, byte[] Body, string ContentType)
{
    public const string Json = "application/json";
    public const string ProblemJson = "application/problem+json";

    /// <summary>What the idempotency record keeps and a replay answers: <see cref="Body"/>, without the secret of an <see cref="IShownOnce"/> body.</summary>
    public byte[] ReplayBody { get; private init; } = Body;

    /// <summary>
    /// The request was refused before it could have had any effect (its body could not be read or failed validation),
    /// so its Idempotency-Key is not spent on it: the corrected request may use the key. Only
    /// <see cref="Invalid"/> sets it; every other answer, refusals included, is kept.
    /// </summary>
    public bool BeforeAnyEffect { get; private init; }

    public static ApiResponse Ok(object body) => WithBody(StatusCodes.Status200OK, body);

    public static ApiResponse Created(object body) => WithBody(StatusCodes.Status201Created, body);

    /// <summary>
    /// A refusal of the request as sent (unreadable body, invalid fields or query), answered before the handler did
    /// anything. Handlers use it only in front of their first read or write, which is where
    /// <see cref="ApiRequest.TryRead{T}"/> calls it.
    /// </summary>
    /// <summary>422 validation_failed about one field (a query parameter, mostly).</summary>
    public static ApiResponse InvalidField(string field, string message) =>
        Invalid(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed, message, new Dictionary<string, string[]> { [field] = [message] });

    public static ApiResponse Invalid(int status, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        status is >= StatusCodes.Status400BadRequest and < StatusCodes.Status500InternalServerError
            ? Problem(status, code, detail, errors) with { BeforeAnyEffect = true }
            : throw new ArgumentOutOfRangeException(nameof(status), status, "Only a 4xx refuses a request as sent.");

    /// <summary>
    /// An RFC 9457 problem: type, title, status, detail, plus our stable <paramref name="code"/>, the invalid fields,
    /// and extension members (such as the id of the payment a decline left behind).
    /// </summary>
    public static ApiResponse Problem(
        int status, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null, Dictionary<string, object>? extensions = null) =>
        new(status, Serialize(new ProblemBody($"urn:pipeline:problem:{code}", Titles.For(code), status, detail, code, errors) { Extensions = extensions }), ProblemJson);

    public static byte[] Serialize(object body) => JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), ApiJson.Options);

    private static ApiResponse WithBody(int status, object body)
    {
        var response = new ApiResponse(status, Serialize(body), Json);
        return body is IShownOnce once ? response with { ReplayBody = Serialize(once.WithoutSecret()) } : response;
    }

    private sealed record ProblemBody(
        string Type,
        string Title,
        int Status,
        string Detail,
        string Code,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors)
    {
        [JsonExtensionData]
        public Dictionary<string, object>? Extensions { get; init; }
    }

    private static class Titles
    {
        public static string For(string code) => string.Concat(code[..1].ToUpperInvariant(), code[1..].Replace('_', ' '));
    }
}

/// <summary>Writes an <see cref="ApiResponse"/> as it is: status, content type, bytes. Works on both hosts.</summary>
public sealed class ApiResult(ApiResponse response) : IResult
{
    public ApiResponse Response { get; } = response;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = Response.Status;
        httpContext.Response.ContentType = Response.ContentType;
        httpContext.Response.ContentLength = Response.Body.Length;
        await httpContext.Response.Body.WriteAsync(Response.Body, httpContext.RequestAborted);
    }
}
