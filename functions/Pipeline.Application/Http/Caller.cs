namespace Pipeline.Application.Http;

public enum CallerKind
{
    Anonymous,
    Admin,
    Merchant,
}

/// <summary>Who is calling, from the bearer key. A merchant sees only its own data.</summary>
public sealed record Caller(CallerKind Kind, string? MerchantId)
{
    public static Caller Anonymous { get; } = new(CallerKind.Anonymous, null);

    public static Caller Admin { get; } = new(CallerKind.Admin, null);

    /// <summary>The scope idempotency keys live in: each merchant has its own, the admin one.</summary>
    public string IdempotencyScope => Kind == CallerKind.Merchant ? "merchant:" + MerchantId : Kind.ToString().ToLowerInvariant();
}
