namespace Pipeline.Domain.Payments;

/// <summary>
/// Which event a change of a payment emits (the catalogue is docs/EVENTS.md): one for each change a merchant can
/// see — the status, the amount authorised, the amount refunded — and none for a change nobody outside sees (an
/// operation begun, an operation the ledger refused, the same state written again).
/// </summary>
public static class PaymentEvents
{
    public const string RequiresCapture = "payment.requires_capture";
    public const string AmountUpdated = "payment.amount_updated";
    public const string Succeeded = "payment.succeeded";
    public const string Declined = "payment.declined";
    public const string Canceled = "payment.canceled";
    public const string PartiallyRefunded = "payment.partially_refunded";
    public const string Refunded = "payment.refunded";

    public static IReadOnlyList<string> Types { get; } =
        [RequiresCapture, AmountUpdated, Succeeded, Declined, Canceled, PartiallyRefunded, Refunded];

    /// <summary>
    /// The type of the event that going from <paramref name="before"/> (null: the payment is new) to
    /// <paramref name="after"/> emits; null when nothing a merchant sees changed. A payment still deciding (processing,
    /// or an operation pending) emits nothing yet: its event comes with the decision.
    /// </summary>
    public static string? TypeOf(Payment? before, Payment after)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (after.Pending is not null || after.Status == PaymentStatus.Processing)
        {
            return null;
        }

        var newStatus = before is null || before.Status != after.Status;
        return after.Status switch
        {
            PaymentStatus.RequiresCapture when newStatus => RequiresCapture,
            PaymentStatus.RequiresCapture when after.Amount != before!.Amount => AmountUpdated,
            PaymentStatus.Succeeded when newStatus => Succeeded,
            PaymentStatus.Declined when newStatus => Declined,
            PaymentStatus.Canceled when newStatus => Canceled,
            PaymentStatus.PartiallyRefunded when newStatus || after.AmountRefunded != before!.AmountRefunded => PartiallyRefunded,
            PaymentStatus.Refunded when newStatus => Refunded,
            _ => null,
        };
    }
}
