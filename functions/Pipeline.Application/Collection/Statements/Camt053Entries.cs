using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Pipeline.Application.Standards;

namespace Pipeline.Application.Collection.Statements;

/// <summary>
/// An Ntry as the entries reconciliation matches: one per transaction (TxDtls) of its details, so a batch credit of
/// several payers is several credits; one for an entry without transaction details. A transaction takes from the
/// entry what it does not say itself.
/// </summary>
internal static class Camt053Entries
{
    private const string Booked = "BOOK";

    /// <summary>What a payer's bank writes as the end-to-end id when the payer gave none.</summary>
    private const string NotProvided = "NOTPROVIDED";

    /// <summary>The entries of <paramref name="entry"/>, numbered from <paramref name="firstIndex"/>; none after an error.</summary>
    public static IReadOnlyList<StatementEntry> Read(XElement entry, Camt053Heading statement, int firstIndex, SchemaReading reading)
    {
        if (StatementAmount.Of(entry, reading) is not { } amount)
        {
            return [];
        }

        var transactions = entry.Children("NtryDtls").SelectMany(details => details.Children("TxDtls")).ToList();
        var valueDate = Camt053Xml.DateOf(entry.Find("ValDt"), reading);
        var whole = new StatementEntry(
            Index: firstIndex,
            Line: ((IXmlLineInfo)entry).LineNumber,
            BankTransactionId: entry.Text("AcctSvcrRef") ?? FallbackId(statement, firstIndex),
            IsCredit: entry.Text("CdtDbtInd") == Camt053Xml.Credit,
            IsBooked: entry.Text("Sts", "Cd") == Booked,
            AmountMinor: amount.Minor,
            Currency: amount.Currency,
            BookingDate: Camt053Xml.DateOf(entry.Find("BookgDt"), reading) ?? valueDate ?? statement.CreatedOn,
            ValueDate: valueDate,
            VirtualAccount: statement.AccountIban,
            EndToEndId: null,
            CreditorReference: null,
            RemittanceText: null,
            PayerName: null);
        if (transactions.Count == 0)
        {
            return [whole];
        }

        var entries = new List<StatementEntry>(transactions.Count);
        foreach (var transaction in transactions)
        {
            if (Transaction(whole with { Index = firstIndex + entries.Count }, transaction, transactions.Count == 1, statement, reading) is { } read)
            {
                entries.Add(read);
            }
        }

        return entries;
    }

    /// <param name="alone">The entry's only transaction, which may take the entry's amount and reference as its own.</param>
    private static StatementEntry? Transaction(StatementEntry entry, XElement transaction, bool alone, Camt053Heading statement, SchemaReading reading)
    {
        var amount = transaction.Find("Amt") is not null ? StatementAmount.Of(transaction, reading)
            : alone ? new StatementAmount(entry.AmountMinor, entry.Currency)
            : Missing(transaction, reading);
        if (amount is not { } own)
        {
            return null;
        }

        var isCredit = transaction.Text("CdtDbtInd") is { } indicator ? indicator == Camt053Xml.Credit : entry.IsCredit;
        var parties = transaction.Find("RltdPties");
        var remittance = transaction.Find("RmtInf");
        var lines = remittance?.Children("Ustrd").Select(line => line.Value).ToList() ?? [];
        return entry with
        {
            BankTransactionId = transaction.Text("Refs", "AcctSvcrRef") ?? (alone ? entry.BankTransactionId : FallbackId(statement, entry.Index)),
            IsCredit = isCredit,
            AmountMinor = own.Minor,
            Currency = own.Currency,
            // Our side of the transfer: the creditor's account for money in, the debtor's for money out.
            VirtualAccount = parties.Text(isCredit ? "CdtrAcct" : "DbtrAcct", "Id", "IBAN") is { } iban ? Camt053Xml.Compact(iban) : entry.VirtualAccount,
            EndToEndId = transaction.Text("Refs", "EndToEndId") is { } endToEnd && endToEnd != NotProvided ? endToEnd : null,
            CreditorReference = remittance?.Children("Strd").Select(structured => structured.Text("CdtrRefInf", "Ref")).FirstOrDefault(reference => reference is not null) is { } reference
                ? Camt053Xml.Compact(reference)
                : null,
            RemittanceText = lines.Count > 0 ? string.Join(' ', lines) : null,
            PayerName = parties.Text("Dbtr", "Pty", "Nm") ?? parties.Text("Dbtr", "Agt", "FinInstnId", "Nm"),
        };
    }

    /// <summary>
    /// A batch entry's transaction without its own amount: the entry's amount is the batch's sum, and taking it for
    /// each transaction would credit the batch several times over.
    /// </summary>
    private static StatementAmount? Missing(XElement transaction, SchemaReading reading)
    {
        reading.Add(Camt053Xml.ErrorAt(transaction, "A transaction of a batch entry has no Amt: its share of the entry's amount is not known."));
        return null;
    }

    /// <summary>"StatementId:Index": unique in the file and the same each time the statement is read.</summary>
    private static string FallbackId(Camt053Heading statement, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{statement.StatementId}:{index}");
}
