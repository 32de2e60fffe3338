using Pipeline.Application.Http;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Collection;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Collection;

/// <param name="Payer">Who pays: a name for the instructions, and the merchant's reference for it (one virtual account per reference).</param>
/// <param name="ToleranceMinor">A credit this close to what is due pays the collection in full.</param>
/// <param name="WalletId">The merchant's wallet the money lands in (same currency).</param>
public sealed record CreateCollectionRequest(
    long Amount, string Currency, CollectionPayer Payer, DateTimeOffset DueAt, string? OrderReference = null, long? ToleranceMinor = null, string? WalletId = null)
    : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        AmountRules.CheckAmount(Amount, "amount", errors);
        if (!Domain.Monetary.Currency.TryParse(Currency, out _))
        {
            errors["currency"] = ["Use an active ISO 4217 code in upper case, e.g. EUR."];
        }

        if (Payer is null || string.IsNullOrWhiteSpace(Payer.Name) || Payer.Name.Trim().Length > CollectionLimits.PayerNameLengthMax)
        {
            errors["payer.name"] = [$"Give the payer's name, 1 to {CollectionLimits.PayerNameLengthMax} characters."];
        }

        if (Payer is null || string.IsNullOrWhiteSpace(Payer.Reference) || Payer.Reference.Length > WalletLimits.ReferenceLengthMax)
        {
            errors["payer.reference"] = [$"Give your reference for the payer (e.g. its customer number), 1 to {WalletLimits.ReferenceLengthMax} characters."];
        }

        if (OrderReference is { } order && (string.IsNullOrWhiteSpace(order) || order.Length > WalletLimits.ReferenceLengthMax))
        {
            errors["orderReference"] = [$"Give an order reference of 1 to {WalletLimits.ReferenceLengthMax} characters, or none."];
        }

        if (ToleranceMinor is < 0 || ToleranceMinor > AmountLimits.AmountMinorMax)
        {
            errors["toleranceMinor"] = [$"Use 0 to {AmountLimits.AmountMinorMax} minor units."];
        }

        if (DueAt == default)
        {
            errors["dueAt"] = ["Give when the payment is due, ISO 8601."];
        }

        return errors;
    }
}

/// <summary>What the payer's bank needs to pay, and the same as an EPC QR code's text (EUR only) for the order push.</summary>
/// <param name="Iban">Electronic format; <see cref="IbanFormatted"/> in groups of four, as people copy it.</param>
public sealed record PaymentInstructions(
    string Beneficiary, string Iban, string IbanFormatted, string? Bic, long Amount, string Currency, string Reference, DateTimeOffset DueAt, string? EpcQrPayload);

/// <summary>A collection as the API shows it; <c>WalletId</c> is where its money lands (the merchant's collection wallet unless it named one).</summary>
public sealed record CollectionView(
    string Id,
    CollectionStatus Status,
    long Amount,
    string Currency,
    long AmountPaid,
    long AmountRemaining,
    CollectionPayer Payer,
    string VirtualAccount,
    string CreditorReference,
    PaymentInstructions PaymentInstructions,
    string? OrderReference,
    long ToleranceMinor,
    string? WalletId,
    DateTimeOffset DueAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<CollectionCredit> Credits);

/// <summary>A bank credit that paid towards a collection: how much of it went there, and a shortfall written off with it.</summary>
public sealed record CollectionCredit(string CreditId, string BankTransactionId, long Amount, long WrittenOff, DateTimeOffset At);

/// <param name="Next">The cursor of the next page (the after= of the next request), or null on the last.</param>
public sealed record CollectionsPage(IReadOnlyList<CollectionView> Data, string? Next);
