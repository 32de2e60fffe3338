using System.Xml.Linq;
using Pipeline.Application.Standards;

namespace Pipeline.Application.Collection.Statements;

/// <summary>
/// One Stmt as it is read, a part at a time: the schema puts its Id, CreDtTm, Acct and Bal before any Ntry, so each
/// entry finds the statement's id, account and date already read, and is kept as a small record, not as XML.
/// </summary>
internal sealed class Camt053Statement(Camt053Header header, SchemaReading reading)
{
    private readonly List<StatementBalance> balances = [];
    private readonly List<StatementEntry> entries = [];
    private string? id;
    private string? accountIban;
    private DateTimeOffset? createdAt;

    /// <summary>The children of Stmt the platform takes values from; the others are only validated.</summary>
    public static bool Reads(string localName) => localName is "Id" or "CreDtTm" or "Acct" or "Bal" or "Ntry";

    public void Add(XElement part)
    {
        switch (part.Name.LocalName)
        {
            case "Id":
                id = part.Value;
                break;
            case "CreDtTm":
                createdAt = Camt053Xml.DateTimeOf(part, reading);
                break;
            case "Acct":
                accountIban = AccountIbanOf(part);
                break;
            case "Bal":
                AddBalance(part);
                break;
            // A valid statement has its Id and Acct before any Ntry; without them the schema has reported it.
            case "Ntry" when id is not null && accountIban is not null:
                var heading = new Camt053Heading(id, accountIban, DateOnly.FromDateTime((createdAt ?? header.CreatedAt).DateTime));
                entries.AddRange(Camt053Entries.Read(part, heading, entries.Count, reading));
                break;
        }
    }

    /// <summary>Null when the statement lacks its id or account, which the schema or <see cref="Add"/> has reported.</summary>
    public BankStatement? Build() =>
        id is null || accountIban is null ? null : new BankStatement(header.MessageId, id, accountIban, createdAt ?? header.CreatedAt, balances, entries);

    /// <summary>The platform's accounts are IBANs: a statement of an account known otherwise (Othr) is not one of ours.</summary>
    private string? AccountIbanOf(XElement account)
    {
        if (account.Text("Id", "IBAN") is { } iban)
        {
            return Camt053Xml.Compact(iban);
        }

        reading.Add(Camt053Xml.ErrorAt(account, "The statement's account has no IBAN (Acct/Id/IBAN)."));
        return null;
    }

    private void AddBalance(XElement balance)
    {
        if (StatementAmount.Of(balance, reading) is not { } amount || Camt053Xml.DateOf(balance.Find("Dt"), reading) is not { } date)
        {
            return;
        }

        var type = balance.Text("Tp", "CdOrPrtry", "Cd") ?? balance.Text("Tp", "CdOrPrtry", "Prtry") ?? "";
        var signed = balance.Text("CdtDbtInd") == Camt053Xml.Debit ? -amount.Minor : amount.Minor;
        balances.Add(new StatementBalance(type, signed, amount.Currency, date));
    }
}
