using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Application.Http;

/// <summary>A request as a handler sees it: the caller, the route values, the body already read within limits.</summary>
public sealed class ApiRequest(HttpContext http, Caller caller, IReadOnlyDictionary<string, string> routeValues, byte[] body)
{
    public HttpContext Http { get; } = http;

    public Caller Caller { get; } = caller;

    public CancellationToken Aborted => Http.RequestAborted;

    public T Service<T>()
        where T : notnull => Http.RequestServices.GetRequiredService<T>();

    public string Route(string name) => routeValues[name];

    /// <summary>The request's Idempotency-Key, or null: handlers derive the ids of what they create from it.</summary>
    public string? IdempotencyKey => Http.Request.Headers[Api.IdempotencyKeyHeader].ToString() is { Length: > 0 } key ? key : null;

    /// <summary>False for a request sent without a body (routes whose fields are all optional accept that).</summary>
    public bool HasBody => body.Length > 0;

    /// <summary>
    /// Like <see cref="TryRead{T}"/>, for a body whose fields are all optional: no body at all means
    /// <paramref name="empty"/>; a body that is sent is held to the same strict contract.
    /// </summary>
    public ApiResponse? TryReadOptional<T>(T empty, out T value)
        where T : class, IValidatable
    {
        if (!HasBody)
        {
            value = empty;
            return null;
        }

        return TryRead(out value);
    }

    /// <summary>
    /// Reads the body as <typeparamref name="T"/> under the strict contract, then validates it. Returns the
    /// problem to answer with (415, 400, 422) when it cannot be used, marked as refused before any effect (see
    /// <see cref="ApiResponse.BeforeAnyEffect"/>): call it before the handler reads or writes anything.
    /// </summary>
    public ApiResponse? TryRead<T>(out T value)
        where T : class, IValidatable
    {
        value = null!;
        var contentType = Http.Request.ContentType;
        if (contentType is null || !contentType.StartsWith(ApiResponse.Json, StringComparison.OrdinalIgnoreCase))
        {
            return ApiResponse.Invalid(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Send the body as application/json.");
        }

        try
        {
            value = JsonSerializer.Deserialize<T>(body, ApiJson.Options)
                ?? throw new JsonException("The body is null; send a JSON object.");
        }
        catch (JsonException e)
        {
            // The path says where; the exception's own message names internal types, so it is not echoed.
            var where = e.Path is null or "$" ? "" : $" at {e.Path}";
            return ApiResponse.Invalid(StatusCodes.Status400BadRequest, ErrorCodes.MalformedJson,
                $"The body is not a valid JSON object for this request{where}: check for unknown fields, missing required fields and wrong types.");
        }

        var errors = value.Validate();
        return errors.Count == 0
            ? null
            : ApiResponse.Invalid(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed, "Some fields are invalid.", errors);
    }
}

/// <summary>A request body that checks its own values; field name → messages.</summary>
public interface IValidatable
{
    IReadOnlyDictionary<string, string[]> Validate();
}
