namespace Pipeline.Application.Http;

public enum CallerKind
{
    Anonymous,
    Admin,
    Merchant,

    /// <summary>A device of a merchant, by its request signature.</summary>
    Device,

    /// <summary>The collecting bank, by its webhook signature.</summary>
    Bank,
}

/// <summary>Who is calling, from the bearer key. A merchant sees only its own data.</summary>
public sealed record Caller(CallerKind Kind, string? MerchantId)
{
    /// <summary>For a device: its id (its merchant is <see cref="MerchantId"/>).</summary>
    public string? DeviceId { get; init; }

    public static Caller Anonymous { get; } = new(CallerKind.Anonymous, null);

    public static Caller Admin { get; } = new(CallerKind.Admin, null);

    public static Caller Bank { get; } = new(CallerKind.Bank, null);

    /// <summary>The scope idempotency keys live in: each merchant has its own, the admin one.</summary>
    public string IdempotencyScope => Kind switch
    {
        CallerKind.Merchant => "merchant:" + MerchantId,
        CallerKind.Device => "device:" + DeviceId,
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
