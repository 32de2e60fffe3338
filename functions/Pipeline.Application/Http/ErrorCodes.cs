namespace Pipeline.Application.Http;

/// <summary>The stable machine codes of problem responses that are not ledger outcomes (those come from ResultText).</summary>
public static class ErrorCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string MalformedJson = "malformed_json";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string BodyTooLarge = "body_too_large";
    public const string MalformedRequest = "malformed_request";
    public const string RequestTimeout = "request_timeout";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string IdempotencyKeyInProgress = "idempotency_key_in_progress";
    public const string InvalidSignature = "invalid_signature";
    public const string AlreadyExists = "already_exists";
    public const string InternalError = "internal_error";
    public const string Unavailable = "unavailable";
}
