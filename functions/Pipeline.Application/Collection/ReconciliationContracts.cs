using Pipeline.Application.Cosmos;
using Pipeline.Domain.Banking;

namespace Pipeline.Application.Collection;

/// <summary>An exception as the API shows it.</summary>
/// <param name="HeldIn">Where its money sits until resolved: "suspense", the payer's balance wallet, or null.</param>
public sealed record ExceptionView(
    string Id, ExceptionKind Kind, ExceptionStatus Status, string? MerchantId, string BankTransactionId, long Amount, string Currency,
    string? VirtualAccount, string? PayerReference, string? PayerName, string? RemittanceInfo, string? CreditId, string? HeldIn, string? Detail,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, ExceptionResolutionView? Resolution)
{
    public static ExceptionView Of(ExceptionDocument e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var resolution = e.Resolution is { } r ? new ExceptionResolutionView(r.Action, r.By, r.Reason, At(r.AtMicros), r.CollectionId, r.Refund) : null;
        return new(e.Id, e.Kind, e.Status, e.MerchantId, e.BankTransactionId, e.AmountMinor, e.Currency, e.VirtualAccount, e.PayerReference, e.PayerName,
            e.RemittanceInfo, e.CreditId, e.HeldIn, e.Detail, At(e.CreatedMicros), At(e.UpdatedMicros), resolution);
    }

    private static DateTimeOffset At(long micros) => new(CosmosTime.ToTicks(micros), TimeSpan.Zero);
}

public sealed record ExceptionResolutionView(ResolutionAction Action, string By, string Reason, DateTimeOffset At, string? CollectionId, RefundAccount? Refund);

/// <param name="Next">The cursor of the next page (the after= of the next request), or null on the last.</param>
public sealed record ExceptionsPage(IReadOnlyList<ExceptionView> Data, string? Next);

/// <summary>A resolution: what to do with the exception's money, and why (kept with who did it).</summary>
/// <param name="CollectionId">For match: the collection to pay.</param>
/// <param name="RefundAccount">For refund: the payer's account (IBAN and name; BIC optional).</param>
public sealed record ResolveExceptionRequest(ResolutionAction Action, string Reason, string? CollectionId = null, RefundAccount? RefundAccount = null)
    : Http.IValidatable
{
    public const int ReasonLengthMax = 500;

    /// <summary>The checked request with its account in electronic form (a retry spelled with spaces is the same resolution).</summary>
    public ResolveExceptionRequest Normalized() => RefundAccount is { } account && Iban.TryNormalize(account.Iban, out var iban)
        ? this with { Reason = Reason.Trim(), RefundAccount = account with { Name = account.Name.Trim(), Iban = iban, Bic = Bic.TryNormalize(account.Bic, out var bic) ? bic : null } }
        : this with { Reason = Reason.Trim() };

    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Reason) || Reason.Length > ReasonLengthMax)
        {
            errors["reason"] = [$"Say why, 1 to {ReasonLengthMax} characters: it is kept with the resolution."];
        }

        if ((Action == ResolutionAction.Match) != (CollectionId is not null))
        {
            errors["collectionId"] = ["Name the collection to pay for match, and only for match."];
        }

        if ((Action == ResolutionAction.Refund) != (RefundAccount is not null))
        {
            errors["refundAccount"] = ["Give the payer's account for refund, and only for refund."];
        }
        else if (RefundAccount is { } account)
        {
            if (!Iban.TryNormalize(account.Iban, out _))
            {
                errors["refundAccount.iban"] = ["Not a valid IBAN (ISO 13616: country, check digits, account)."];
            }

            if (string.IsNullOrWhiteSpace(account.Name) || account.Name.Length > CollectionLimits.PayerNameLengthMax)
            {
                errors["refundAccount.name"] = [$"Give the account holder's name, 1 to {CollectionLimits.PayerNameLengthMax} characters."];
            }

            if (account.Bic is { } bic && !Bic.TryNormalize(bic, out _))
            {
                errors["refundAccount.bic"] = ["Not a BIC of 8 or 11 characters (ISO 9362), or leave it out."];
            }
        }

        return errors;
    }
}
