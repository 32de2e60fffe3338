namespace Pipeline.Application.Http;

/// <summary>
/// A response body that carries a secret shown only once (a device secret, an API key). Its idempotency record keeps
/// <see cref="WithoutSecret"/> instead, and a replay of the key answers that: the secret would otherwise sit in
/// Cosmos DB for the record's whole retention and be handed out again to whoever replays the key.
/// </summary>
public interface IShownOnce
{
    /// <summary>The same body without its secret, with a <c>secretNotice</c> that says how to get a new one.</summary>
    object WithoutSecret();
}
