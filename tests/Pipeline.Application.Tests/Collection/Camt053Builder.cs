using System.Globalization;
using System.Text;
using System.Xml;
using Pipeline.Application.Standards;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Tests.Collection;

/// <summary>One entry of a statement to build: one Ntry with one TxDtls.</summary>
/// <param name="BankTransactionId">Written as the entry's and the transaction's AcctSvcrRef.</param>
/// <param name="AmountMinor">Positive, in minor units of <paramref name="Currency"/> (the statement's currency).</param>
/// <param name="IsBooked">BOOK, else PDNG (left out of the closing balance).</param>
/// <param name="VirtualAccount">
/// Our side of the transaction when it is not the statement's account: the creditor's account of a credit, the
/// debtor's of a debit. Null writes none.
/// </param>
/// <param name="EndToEndId">Null writes "NOTPROVIDED", as banks do.</param>
/// <param name="CreditorReference">Written as structured remittance (an RF creditor reference, SCOR).</param>
/// <param name="RemittanceText">Written as unstructured remittance, at most 140 characters.</param>
/// <param name="PayerName">The debtor's name.</param>
public sealed record Camt053EntrySpec(
    string BankTransactionId,
    long AmountMinor,
    string Currency,
    bool IsCredit,
    bool IsBooked,
    DateOnly BookingDate,
    string? VirtualAccount = null,
    string? EndToEndId = null,
    string? CreditorReference = null,
    string? RemittanceText = null,
    string? PayerName = null);

/// <summary>One statement (Stmt) to build; its closing balance is computed from the opening one and the booked entries.</summary>
public sealed record Camt053StatementSpec(
    string StatementId, string AccountIban, long OpeningBalanceMinor, string Currency, IReadOnlyList<Camt053EntrySpec> Entries);

/// <summary>
/// Builds camt.053.001.08 documents that are valid against the ISO 20022 schema, for tests and benchmarks: one
/// Ntry with one TxDtls per entry, opening and closing balances, UTF-8 without a byte order mark, one element a line
/// (so a test can find an element's line). Depends on the BCL, Pipeline.Domain and Pipeline.Application's XML helpers only, so a benchmark project can
/// link this file.
/// </summary>
public static class Camt053Builder
{
    public const string Namespace = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08";

    public const string MessageId = "MSG-CAMT053-TEST";

    public static readonly DateTimeOffset CreatedAt = new(2026, 1, 6, 6, 0, 0, TimeSpan.Zero);

    private static readonly string CreatedAtText = CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        NewLineChars = "\n",
    };

    public static string Build(string statementId, string accountIban, long openingBalanceMinor, string currency, IReadOnlyList<Camt053EntrySpec> entries) =>
        Build([new Camt053StatementSpec(statementId, accountIban, openingBalanceMinor, currency, entries)]);

    public static string Build(IReadOnlyList<Camt053StatementSpec> statements)
    {
        using var buffer = new MemoryStream();
        Write(buffer, statements);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes the document to <paramref name="output"/> as it goes (for large ones), and leaves it open.</summary>
    public static void Write(Stream output, IReadOnlyList<Camt053StatementSpec> statements)
    {
        using var xml = XmlWriter.Create(output, Settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("Document", Namespace);
        xml.WriteStartElement("BkToCstmrStmt");
        xml.WriteStartElement("GrpHdr");
        xml.WriteElementString("MsgId", MessageId);
        xml.WriteElementString("CreDtTm", CreatedAtText);
        xml.WriteEndElement();
        foreach (var statement in statements)
        {
            WriteStatement(xml, statement);
        }

        xml.WriteEndDocument();
    }

    /// <summary>The opening balance plus booked credits minus booked debits; pending entries do not move a balance.</summary>
    public static long ClosingBalanceMinor(Camt053StatementSpec statement) =>
        statement.OpeningBalanceMinor + statement.Entries.Where(e => e.IsBooked).Sum(e => e.IsCredit ? e.AmountMinor : -e.AmountMinor);

    private static void WriteStatement(XmlWriter xml, Camt053StatementSpec statement)
    {
        var currency = Currency.Parse(statement.Currency);
        if (statement.Entries.FirstOrDefault(e => e.Currency != statement.Currency) is { } foreign)
        {
            throw new ArgumentException($"Entry {foreign.BankTransactionId} is in {foreign.Currency}, the statement in {statement.Currency}.", nameof(statement));
        }

        var dates = statement.Entries.Select(e => e.BookingDate).DefaultIfEmpty(DateOnly.FromDateTime(CreatedAt.UtcDateTime)).ToList();
        xml.WriteStartElement("Stmt");
        xml.WriteElementString("Id", statement.StatementId);
        xml.WriteElementString("CreDtTm", CreatedAtText);
        xml.WriteStartElement("Acct");
        xml.WriteNested(statement.AccountIban, "Id", "IBAN");
        xml.WriteElementString("Ccy", statement.Currency);
        xml.WriteEndElement();
        WriteBalance(xml, "OPBD", statement.OpeningBalanceMinor, currency, dates.Min());
        WriteBalance(xml, "CLBD", ClosingBalanceMinor(statement), currency, dates.Max());
        foreach (var entry in statement.Entries)
        {
            WriteEntry(xml, entry, currency);
        }

        xml.WriteEndElement();
    }

    private static void WriteBalance(XmlWriter xml, string type, long amountMinor, Currency currency, DateOnly date)
    {
        xml.WriteStartElement("Bal");
        xml.WriteNested(type, "Tp", "CdOrPrtry", "Cd");
        WriteAmount(xml, Math.Abs(amountMinor), currency);
        xml.WriteElementString("CdtDbtInd", amountMinor < 0 ? "DBIT" : "CRDT");
        xml.WriteNested(Date(date), "Dt", "Dt");
        xml.WriteEndElement();
    }

    private static void WriteEntry(XmlWriter xml, Camt053EntrySpec entry, Currency currency)
    {
        var creditOrDebit = entry.IsCredit ? "CRDT" : "DBIT";
        xml.WriteStartElement("Ntry");
        WriteAmount(xml, entry.AmountMinor, currency);
        xml.WriteElementString("CdtDbtInd", creditOrDebit);
        xml.WriteNested(entry.IsBooked ? "BOOK" : "PDNG", "Sts", "Cd");
        xml.WriteNested(Date(entry.BookingDate), "BookgDt", "Dt");
        xml.WriteNested(Date(entry.BookingDate), "ValDt", "Dt");
        xml.WriteElementString("AcctSvcrRef", entry.BankTransactionId);
        xml.WriteStartElement("BkTxCd");
        xml.WriteStartElement("Domn");
        xml.WriteElementString("Cd", "PMNT");
        xml.WriteStartElement("Fmly");
        xml.WriteElementString("Cd", entry.IsCredit ? "RCDT" : "ICDT"); // received / issued credit transfers
        xml.WriteElementString("SubFmlyCd", "ESCT"); // SEPA credit transfer
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteStartElement("NtryDtls");
        WriteTransaction(xml, entry, currency, creditOrDebit);
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteTransaction(XmlWriter xml, Camt053EntrySpec entry, Currency currency, string creditOrDebit)
    {
        xml.WriteStartElement("TxDtls");
        xml.WriteStartElement("Refs");
        xml.WriteElementString("AcctSvcrRef", entry.BankTransactionId);
        xml.WriteElementString("EndToEndId", entry.EndToEndId ?? "NOTPROVIDED");
        xml.WriteEndElement();
        WriteAmount(xml, entry.AmountMinor, currency);
        xml.WriteElementString("CdtDbtInd", creditOrDebit);
        if (entry.PayerName is not null || entry.VirtualAccount is not null)
        {
            xml.WriteStartElement("RltdPties");
            if (entry.PayerName is { } payer)
            {
                xml.WriteNested(payer, "Dbtr", "Pty", "Nm");
            }

            if (entry.VirtualAccount is { } account)
            {
                xml.WriteNested(account, entry.IsCredit ? "CdtrAcct" : "DbtrAcct", "Id", "IBAN");
            }

            xml.WriteEndElement();
        }

        if (entry.RemittanceText is not null || entry.CreditorReference is not null)
        {
            xml.WriteStartElement("RmtInf");
            if (entry.RemittanceText is { } text)
            {
                xml.WriteElementString("Ustrd", text);
            }

            if (entry.CreditorReference is { } reference)
            {
                xml.WriteStartElement("Strd");
                xml.WriteStartElement("CdtrRefInf");
                xml.WriteStartElement("Tp");
                xml.WriteNested("SCOR", "CdOrPrtry", "Cd");
                xml.WriteElementString("Issr", "ISO");
                xml.WriteEndElement();
                xml.WriteElementString("Ref", reference);
                xml.WriteEndElement();
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    /// <summary>Minor units as the decimal the schema takes, with exactly the currency's decimals (JPY 0, EUR 2, KWD 3).</summary>
    private static void WriteAmount(XmlWriter xml, long amountMinor, Currency currency)
    {
        var major = amountMinor / (decimal)Math.Pow(10, currency.Exponent);
        xml.WriteStartElement("Amt");
        xml.WriteAttributeString("Ccy", currency.Code);
        xml.WriteString(major.ToString("F" + currency.Exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        xml.WriteEndElement();
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
