namespace Pipeline.Domain.Payments;

/// <summary>Bounds of a payment: those of its state here, those of a request enforced at the edge.</summary>
public static class PaymentLimits
{
    public const int MetadataKeysMax = 20;
    public const int MetadataKeyLengthMax = 40;
    public const int MetadataValueLengthMax = 500;

    /// <summary>Increments granted; refused attempts count too, up to four times as many.</summary>
    public const int IncrementsMax = 20;

    /// <summary>Refunds granted; refused attempts count too, up to four times as many.</summary>
    public const int RefundsMax = 50;

    /// <summary>How many attempts per granted one a payment records before refusing more (its history stays bounded).</summary>
    public const int AttemptsPerGrant = 4;

    public const int PageSizeDefault = 20;
    public const int PageSizeMax = 100;
}
