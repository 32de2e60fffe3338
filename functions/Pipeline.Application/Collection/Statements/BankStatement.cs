namespace Pipeline.Application.Collection.Statements;

/// <summary>
/// One account's statement (camt.053 Stmt) as the bank booked it: what reconciliation matches collections against.
/// A camt.053 file may hold several; each carries its file's message id.
/// </summary>
/// <param name="MessageId">GrpHdr/MsgId: the file's id, which a bank repeats when it sends the same file again.</param>
/// <param name="StatementId">Stmt/Id: the bank's id of this statement.</param>
/// <param name="AccountIban">Stmt/Acct/Id/IBAN, electronic format: the platform's account the statement is for.</param>
/// <param name="CreatedAt">Stmt/CreDtTm, else GrpHdr/CreDtTm; a time written without an offset is read as UTC.</param>
/// <param name="Balances">Every Bal, in the file's order (OPBD, CLBD, ...).</param>
/// <param name="Entries">Every entry, one per transaction of a batch entry, in the file's order.</param>
public sealed record BankStatement(
    string MessageId,
    string StatementId,
    string AccountIban,
    DateTimeOffset CreatedAt,
    IReadOnlyList<StatementBalance> Balances,
    IReadOnlyList<StatementEntry> Entries);

/// <summary>One Bal of a statement.</summary>
/// <param name="Type">Tp/CdOrPrtry/Cd (OPBD, CLBD, ITBD, ...), or the bank's proprietary type.</param>
/// <param name="AmountMinor">In minor units of <paramref name="Currency"/>; negative when the balance is DBIT (overdrawn).</param>
/// <param name="Date">Dt/Dt, or the date as written of Dt/DtTm.</param>
public sealed record StatementBalance(string Type, long AmountMinor, string Currency, DateOnly Date);
