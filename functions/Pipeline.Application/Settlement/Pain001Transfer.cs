namespace Pipeline.Application.Settlement;

/// <summary>
/// One payout as a SEPA credit transfer order to the platform's bank: who pays (the debtor, the platform's account),
/// who receives (the creditor, a merchant's account), how much and when. Names and remittance text may hold any
/// characters; <see cref="Pain001.Write"/> transliterates them into the SEPA set. Identifiers and accounts must
/// already be valid, because they are what reconciliation matches the bank's statement against.
/// </summary>
/// <param name="MessageId">GrpHdr/MsgId: unique per file; banks use it to spot a file sent twice.</param>
/// <param name="CreatedAt">GrpHdr/CreDtTm, written in UTC to the second.</param>
/// <param name="InitiatingPartyName">Who sends the file (the platform operator).</param>
/// <param name="DebtorBic">The debtor's bank; null or blank writes "NOTPROVIDED", as the EPC guideline allows.</param>
/// <param name="PaymentInformationId">PmtInf/PmtInfId: the batch, here of one transfer.</param>
/// <param name="EndToEndId">The id the creditor's statement shows and camt.053 returns: the payout's key.</param>
/// <param name="AmountMinor">Euro cents, from 1 to 99,999,999,999 (EUR 999,999,999.99).</param>
/// <param name="Currency">Must be "EUR": SEPA credit transfers carry nothing else.</param>
/// <param name="CreditorBic">The creditor's bank; null or blank leaves the creditor agent out.</param>
/// <param name="RemittanceInformation">What the creditor sees as the payment's purpose; blank writes none.</param>
public sealed record Pain001Transfer(
    string MessageId,
    DateTimeOffset CreatedAt,
    string InitiatingPartyName,
    string DebtorName,
    string DebtorIban,
    string? DebtorBic,
    string PaymentInformationId,
    DateOnly RequestedExecutionDate,
    string EndToEndId,
    long AmountMinor,
    string Currency,
    string CreditorName,
    string CreditorIban,
    string? CreditorBic,
    string RemittanceInformation);
