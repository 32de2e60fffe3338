namespace Pipeline.Domain.Collection;

public enum CollectionStatus
{
    Open,
    PartiallyPaid,
    Paid,
    Overpaid,
    Expired,
    Canceled,
}

/// <summary>A collection as the matching sees it: what it asks, what it has received, how much off an amount may be.</summary>
/// <param name="PaidMinor">Received so far (written-off shortfalls included).</param>
/// <param name="ToleranceMinor">A credit this close to what is still due pays it in full; the difference goes to the adjustment account.</param>
public sealed record CollectionDue(
    string Id, string Currency, long AmountMinor, long PaidMinor, long ToleranceMinor, DateTimeOffset DueAt, CollectionStatus Status, string CreditorReference)
{
    public long RemainingMinor => Math.Max(0, AmountMinor - PaidMinor);

    public bool IsOpen => Status is CollectionStatus.Open or CollectionStatus.PartiallyPaid;
}

/// <summary>A bank credit to a collection account.</summary>
/// <param name="CreditorReference">The RF reference found in the remittance information, normalized; null when it carried none.</param>
/// <param name="BookedOn">The bank's booking date: a credit booked by the due date pays a collection that expired before the credit reached us.</param>
public sealed record BankCredit(string BankTransactionId, long AmountMinor, string Currency, string? CreditorReference, DateOnly? BookedOn = null);

public enum AllocationTarget
{
    /// <summary>Towards the collection.</summary>
    Collection,

    /// <summary>The payer's balance (a wallet): an overpayment, or a credit no open collection can take; usable by the payer's next collection, or refundable.</summary>
    PayerBalance,

    /// <summary>The adjustment account: a small overpayment within the collection's tolerance.</summary>
    Adjustment,

    /// <summary>The suspense account: a credit to an account and reference nobody knows, until someone resolves it.</summary>
    Suspense,
}

/// <summary>Part of a credit and where it goes.</summary>
public sealed record Allocation(AllocationTarget Target, long AmountMinor);

/// <summary>Why a credit needs a person: it became a reconciliation exception.</summary>
public enum MatchException
{
    /// <summary>Neither the account nor the reference names anything of ours: the credit is in suspense.</summary>
    UnknownAccount,

    /// <summary>The collection it names is expired or canceled: the credit is on the payer's balance.</summary>
    CollectionClosed,

    /// <summary>The collection it names is paid already: the credit is on the payer's balance.</summary>
    CollectionAlreadyPaid,

    /// <summary>The payer has no open collection in the credit's currency: the credit is on the payer's balance.</summary>
    NoOpenCollection,

    /// <summary>The collection it names is in another currency: the credit is on the payer's balance.</summary>
    CurrencyMismatch,
}

/// <summary>
/// What a credit does: where each part of it goes (the parts add up to the credit), the collection it went to with its
/// new status and paid amount, a shortfall written off from the adjustment account, and the exception, if any.
/// </summary>
/// <param name="WrittenOffMinor">A shortfall within tolerance the adjustment account pays into the collection (not part of the credit).</param>
public sealed record CreditMatch(
    IReadOnlyList<Allocation> Allocations, string? CollectionId, CollectionStatus? NewStatus, long NewPaidMinor, long WrittenOffMinor, MatchException? Exception);

/// <summary>
/// The matching ladder (docs/COLLECTION.md): the collection is the one the reference names, else the payer's oldest
/// open collection due in the credit's currency (or an expired one it names that it pays in full, booked by the due
/// date); then exact → paid; within tolerance → paid, the difference to or from
/// the adjustment account; less → partially paid; more → overpaid, the excess to the payer's balance. A credit for a
/// closed collection, or with no open one, goes to the payer's balance; one nobody can place, to suspense. Each
/// credit goes to one collection at most: an excess never pays the payer's next collection by itself (the balance
/// does, when that collection is created or on request), so one bank line is one match, easy to explain.
/// </summary>
public static class CreditMatching
{
    /// <param name="payerKnown">Whether the credit's account is one of the merchant's virtual accounts.</param>
    /// <param name="collections">The payer's collections (every status); with an unknown payer, the collection the reference names, if any.</param>
    public static CreditMatch Match(BankCredit credit, bool payerKnown, IReadOnlyList<CollectionDue> collections)
    {
        ArgumentNullException.ThrowIfNull(credit);
        ArgumentNullException.ThrowIfNull(collections);
        ArgumentOutOfRangeException.ThrowIfLessThan(credit.AmountMinor, 1);
        var named = credit.CreditorReference is { } reference ? collections.FirstOrDefault(c => c.CreditorReference == reference) : null;
        if (named is null && !payerKnown)
        {
            return Aside(credit, AllocationTarget.Suspense, MatchException.UnknownAccount);
        }

        var target = named ?? collections.Where(c => c.IsOpen && c.Currency == credit.Currency)
            .OrderBy(c => c.DueAt).ThenBy(c => c.Id, StringComparer.Ordinal).FirstOrDefault();
        return target switch
        {
            null => Aside(credit, AllocationTarget.PayerBalance, MatchException.NoOpenCollection),
            { Currency: var currency } when currency != credit.Currency => Aside(credit, AllocationTarget.PayerBalance, MatchException.CurrencyMismatch),
            { Status: CollectionStatus.Expired } when PaidInTime(credit, target) => Apply(credit, target),
            { Status: CollectionStatus.Expired or CollectionStatus.Canceled } => Aside(credit, AllocationTarget.PayerBalance, MatchException.CollectionClosed),
            { Status: CollectionStatus.Paid or CollectionStatus.Overpaid } => Aside(credit, AllocationTarget.PayerBalance, MatchException.CollectionAlreadyPaid),
            _ => Apply(credit, target),
        };
    }

    /// <summary>
    /// The payer paid in full on time, and the bank's booking reached us after the collection expired (a statement a day
    /// later, a slow webhook): the collection is paid, not closed. A partial payment does not revive an expired one.
    /// </summary>
    private static bool PaidInTime(BankCredit credit, CollectionDue collection) =>
        credit.BookedOn is { } booked && booked <= DateOnly.FromDateTime(collection.DueAt.UtcDateTime)
        && credit.AmountMinor + collection.ToleranceMinor >= collection.RemainingMinor;

    private static CreditMatch Apply(BankCredit credit, CollectionDue collection)
    {
        var due = collection.RemainingMinor;
        var amount = credit.AmountMinor;
        if (amount == due)
        {
            return Paid(collection, [new(AllocationTarget.Collection, amount)], CollectionStatus.Paid, 0);
        }

        if (amount < due)
        {
            var shortfall = due - amount;
            return shortfall <= collection.ToleranceMinor
                ? Paid(collection, [new(AllocationTarget.Collection, amount)], CollectionStatus.Paid, shortfall)
                : Paid(collection, [new(AllocationTarget.Collection, amount)], CollectionStatus.PartiallyPaid, 0);
        }

        var excess = amount - due;
        return excess <= collection.ToleranceMinor
            ? Paid(collection, [new(AllocationTarget.Collection, due), new(AllocationTarget.Adjustment, excess)], CollectionStatus.Paid, 0)
            : Paid(collection, [new(AllocationTarget.Collection, due), new(AllocationTarget.PayerBalance, excess)], CollectionStatus.Overpaid, 0);
    }

    private static CreditMatch Paid(CollectionDue collection, Allocation[] allocations, CollectionStatus status, long writtenOff) =>
        new([.. allocations.Where(a => a.AmountMinor > 0)], collection.Id, status,
            collection.PaidMinor + allocations.Where(a => a.Target == AllocationTarget.Collection).Sum(a => a.AmountMinor) + writtenOff, writtenOff, null);

    private static CreditMatch Aside(BankCredit credit, AllocationTarget target, MatchException exception) =>
        new([new Allocation(target, credit.AmountMinor)], null, null, 0, 0, exception);
}
