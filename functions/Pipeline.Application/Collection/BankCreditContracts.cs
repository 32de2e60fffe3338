using Pipeline.Application.Cosmos;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Banking;
using Pipeline.Domain.Collection;

namespace Pipeline.Application.Collection;

/// <summary>
/// The bank's credit webhook (BRIEF §6): a transfer booked on one of the collection accounts. The remittance
/// information is searched for an RF reference unless <paramref name="CreditorReference"/> carries it structured.
/// </summary>
/// <param name="BankTransactionId">The bank's own unique reference of the booking (the AcctSvcrRef its statement shows).</param>
/// <param name="VirtualAccount">The account credited (IBAN, spaces allowed).</param>
public sealed record BankCreditRequest(
    string BankTransactionId, string VirtualAccount, long Amount, string Currency, DateTimeOffset BookedAt,
    string? PayerName = null, string? RemittanceInfo = null, string? CreditorReference = null, string? EndToEndId = null)
    : Http.IValidatable
{
    /// <summary>ISO 20022 Max140Text: the longest remittance line and payer name a statement carries.</summary>
    public const int TextLengthMax = 140;

    /// <summary>ISO 20022 Max35Text: the bank's reference (AcctSvcrRef) and the end-to-end id, as its statement carries them.</summary>
    public const int ReferenceLengthMax = 35;

    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(BankTransactionId) || BankTransactionId.Length > ReferenceLengthMax || BankTransactionId.Any(char.IsControl))
        {
            errors["bankTransactionId"] = [$"Give the bank's reference of the booking (its statement's AcctSvcrRef), 1 to {ReferenceLengthMax} printable characters."];
        }

        if (!Iban.TryNormalize(VirtualAccount, out _))
        {
            errors["virtualAccount"] = ["Not a valid IBAN (ISO 13616: country, check digits, account)."];
        }

        AmountRules.CheckAmount(Amount, "amount", errors);
        if (!Domain.Monetary.Currency.TryParse(Currency, out _))
        {
            errors["currency"] = ["Use an active ISO 4217 code in upper case, e.g. EUR."];
        }

        if (BookedAt == default)
        {
            errors["bookedAt"] = ["Give when the bank booked the credit, ISO 8601."];
        }

        foreach (var (name, text, max) in new[] { ("payerName", PayerName, TextLengthMax), ("remittanceInfo", RemittanceInfo, TextLengthMax), ("endToEndId", EndToEndId, ReferenceLengthMax) })
        {
            if (text is { } given && given.Length > max)
            {
                errors[name] = [$"At most {max} characters."];
            }
        }

        if (CreditorReference is not null && !Domain.Banking.CreditorReference.TryNormalize(CreditorReference, out _))
        {
            errors["creditorReference"] = ["Not an ISO 11649 reference (RF, check digits, up to 21 letters and digits)."];
        }

        return errors;
    }

    /// <summary>The checked credit, normalized.</summary>
    public IncomingCredit ToIncoming()
    {
        Iban.TryNormalize(VirtualAccount, out var iban);
        var reference = Domain.Banking.CreditorReference.TryNormalize(CreditorReference, out var structured) ? structured : Domain.Banking.CreditorReference.FindIn(RemittanceInfo);
        return new IncomingCredit(BankTransactionId, iban, Amount, Currency, PayerName, RemittanceInfo, reference,
            EndToEndId is "NOTPROVIDED" ? null : EndToEndId, DateOnly.FromDateTime(BookedAt.UtcDateTime));
    }
}

/// <summary>A bank credit as the API shows it: what came, and where it went.</summary>
/// <param name="Status">received, decided (being booked) or booked.</param>
public sealed record BankCreditView(
    string Id, string BankTransactionId, string VirtualAccount, long Amount, string Currency, string? CreditorReference, DateOnly BookedOn,
    BankCreditSource Source, BankCreditState Status, string? CollectionId, CollectionStatus? CollectionStatus, IReadOnlyList<Allocation> Allocations,
    long WrittenOff, MatchException? Exception, string? StatementId, DateTimeOffset ReceivedAt)
{
    public static BankCreditView Of(BankCreditDocument c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var p = c.Placement;
        return new(c.Id, c.BankTransactionId, c.VirtualAccount, c.AmountMinor, c.Currency, c.CreditorReference, c.BookedOn, c.Source, c.State,
            p?.CollectionId, p?.NewStatus, p?.Allocations ?? [], p?.WrittenOffMinor ?? 0, p?.Exception, c.StatementId,
            new DateTimeOffset(CosmosTime.ToTicks(c.ReceivedMicros), TimeSpan.Zero));
    }
}
