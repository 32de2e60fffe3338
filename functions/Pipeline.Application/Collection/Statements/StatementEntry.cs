namespace Pipeline.Application.Collection.Statements;

/// <summary>
/// One movement on a statement: an entry (Ntry), or one transaction (TxDtls) of a batch entry, so that each payer's
/// credit is matched on its own. Identifiers and accounts are in the form the platform compares them in.
/// </summary>
/// <param name="Index">0-based position in the statement, entries and their transactions flattened.</param>
/// <param name="Line">The line of the Ntry in the file, for messages that send a person to it.</param>
/// <param name="BankTransactionId">
/// The bank's own unique reference, what makes reading the same statement twice harmless: TxDtls/Refs/AcctSvcrRef,
/// else Ntry/AcctSvcrRef when the entry has at most one transaction, else "StatementId:Index".
/// </param>
/// <param name="IsCredit">CdtDbtInd = CRDT, of the transaction when it says, else of the entry.</param>
/// <param name="IsBooked">Sts/Cd = BOOK; pending (PDNG) and information (INFO) entries may still change or vanish.</param>
/// <param name="AmountMinor">Positive, in minor units of <paramref name="Currency"/>: TxDtls/Amt when present, else Ntry/Amt.</param>
/// <param name="BookingDate">BookgDt (its date as written), else ValDt, else the statement's creation date.</param>
/// <param name="ValueDate">ValDt (its date as written), when given.</param>
/// <param name="VirtualAccount">
/// The platform's account the money moved on, electronic format: for a credit TxDtls/RltdPties/CdtrAcct/Id/IBAN (a
/// virtual account under the statement's account), for a debit DbtrAcct; else the statement's account.
/// </param>
/// <param name="EndToEndId">TxDtls/Refs/EndToEndId, unless the payer gave none ("NOTPROVIDED").</param>
/// <param name="CreditorReference">TxDtls/RmtInf/Strd/CdtrRefInf/Ref without spaces and in upper case (an RF reference as compared).</param>
/// <param name="RemittanceText">The lines of TxDtls/RmtInf/Ustrd joined with a space.</param>
/// <param name="PayerName">TxDtls/RltdPties/Dbtr/Pty/Nm, or the name of the debtor's bank when the debtor is one (Dbtr/Agt).</param>
public sealed record StatementEntry(
    int Index,
    int Line,
    string BankTransactionId,
    bool IsCredit,
    bool IsBooked,
    long AmountMinor,
    string Currency,
    DateOnly BookingDate,
    DateOnly? ValueDate,
    string VirtualAccount,
    string? EndToEndId,
    string? CreditorReference,
    string? RemittanceText,
    string? PayerName);
