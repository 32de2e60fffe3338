namespace Pipeline.Domain.Banking;

/// <summary>
/// The lengths the banking standards fix (ISO 13616 IBANs, ISO 9362 BICs, ISO 11649 creditor references) and the
/// bounds the EPC SEPA Credit Transfer implementation guidelines (2023) put on a payment order, in one place so the
/// writer, the validators and the edge agree.
/// </summary>
public static class BankingLimits
{
    /// <summary>The longest IBAN ISO 13616 allows in any country (electronic format, no spaces).</summary>
    public const int IbanLengthMax = 34;

    /// <summary>A BIC without a branch code: institution (4), country (2), location (2).</summary>
    public const int BicLengthShort = 8;

    /// <summary>A BIC with a branch code (3 more).</summary>
    public const int BicLengthLong = 11;

    /// <summary>The longest reference an ISO 11649 creditor reference carries after "RF" and its check digits.</summary>
    public const int CreditorReferenceBodyLengthMax = 21;

    /// <summary>The smallest SEPA credit transfer: EUR 0.01 (EPC guideline, AT-T002).</summary>
    public const long SepaAmountMinorMin = 1;

    /// <summary>The largest SEPA credit transfer: EUR 999,999,999.99 (EPC guideline, AT-T002).</summary>
    public const long SepaAmountMinorMax = 99_999_999_999;

    /// <summary>A party name in a SEPA credit transfer (the EPC guideline narrows ISO's 140 to 70).</summary>
    public const int SepaNameLengthMax = 70;

    /// <summary>Unstructured remittance information: one occurrence of 140 characters.</summary>
    public const int SepaRemittanceLengthMax = 140;

    /// <summary>Message, payment information and end-to-end identifications (ISO Max35Text).</summary>
    public const int SepaIdentifierLengthMax = 35;
}
