using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Pipeline.Application.Composition;

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

    /// <summary>The raw body to read, for a route that takes something other than JSON (a bank statement's XML).</summary>
    public Stream OpenBody() => new MemoryStream(body, writable: false);

    /// <summary>A query parameter's value: null when absent, "" when sent more than once (never a value a caller did not mean).</summary>
    public string? QueryValue(string name) =>
        Http.Request.Query.TryGetValue(name, out var values) ? (values.Count == 1 ? values[0] ?? "" : "") : null;

    /// <summary>
    /// The page size from <c>?limit=</c>: <paramref name="byDefault"/> when absent; otherwise ASCII digits only (the
    /// number parser would let a trailing NUL through) from 1 to <paramref name="max"/>, or the 422 problem to answer.
    /// </summary>
    public ApiResponse? TryReadLimit(int byDefault, int max, out int limit)
    {
        limit = byDefault;
        if (!Http.Request.Query.TryGetValue("limit", out var values))
        {
            return null;
        }

        var text = values.Count == 1 ? values[0] ?? "" : "";
        if (text.Length is > 0 and <= 9 && text.All(char.IsAsciiDigit) && int.Parse(text, CultureInfo.InvariantCulture) is var parsed and >= 1 && parsed <= max)
        {
            limit = parsed;
            return null;
        }

        return ApiResponse.Invalid(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationFailed, $"limit must be 1 to {max}.");
    }

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
        if (!IsJson(Http.Request.ContentType))
        {
            return ApiResponse.Invalid(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                "Send the body as application/json (optionally with charset=utf-8, and no other parameter).");
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

    /// <summary>
    /// application/json exactly, with at most a charset of utf-8: not a prefix match (application/jsonx,
    /// application/json-seq), and not another charset, which the body's bytes would not be read in.
    /// </summary>
    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals(ApiResponse.Json, StringComparison.OrdinalIgnoreCase)
        && parsed.Parameters.All(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)
            && HeaderUtilities.RemoveQuotes(p.Value).Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        && parsed.Parameters.Count <= 1;
}

/// <summary>A request body that checks its own values; field name → messages.</summary>
public interface IValidatable
{
    IReadOnlyDictionary<string, string[]> Validate();
}
