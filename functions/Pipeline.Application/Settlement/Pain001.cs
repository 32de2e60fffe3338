using System.Globalization;
using System.Text;
using System.Xml;
using Pipeline.Application.Standards;

namespace Pipeline.Application.Settlement;

/// <summary>
/// Writes a payout as an ISO 20022 pain.001.001.09 file under the EPC SEPA Credit Transfer customer-to-PSP
/// guidelines (2023): one file per payout, so a rejected file rejects exactly one payout and the bank's statement
/// books it on its own line. Every bound and code the guideline fixes is applied here, so every file it returns is
/// valid against <see cref="Schema"/>; anything it cannot write faithfully (a foreign currency, an invalid IBAN, an
/// identifier outside the EPC rule) is a caller's error and throws <see cref="ArgumentException"/>.
/// </summary>
public static partial class Pain001
{
    private const string Namespace = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";

    /// <summary>The only currency of the SEPA schemes.</summary>
    private const string Euro = "EUR";

    /// <summary>EUR has two decimals (ISO 4217).</summary>
    private const decimal CentsPerEuro = 100m;

    /// <summary>What the EPC guideline says to write as the debtor agent when the debtor's BIC is not given.</summary>
    private const string NotProvided = "NOTPROVIDED";

    /// <summary>One payout per file: NbOfTxs in the group header and in the payment information.</summary>
    private const string OneTransaction = "1";

    public static string Write(Pain001Transfer transfer)
    {
        var payout = Payout.Check(transfer);
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), Indent = true, NewLineChars = "\n" };
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("Document", Namespace);
            xml.WriteStartElement("CstmrCdtTrfInitn");
            WriteGroupHeader(xml, payout);
            WritePaymentInformation(xml, payout);
            xml.WriteEndDocument();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteGroupHeader(XmlWriter xml, Payout payout)
    {
        xml.WriteStartElement("GrpHdr");
        xml.WriteElementString("MsgId", payout.Transfer.MessageId);
        xml.WriteElementString("CreDtTm", payout.Transfer.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        xml.WriteElementString("NbOfTxs", OneTransaction);
        xml.WriteElementString("CtrlSum", payout.Amount);
        xml.WriteNested(payout.InitiatingPartyName, "InitgPty", "Nm");
        xml.WriteEndElement();
    }

    private static void WritePaymentInformation(XmlWriter xml, Payout payout)
    {
        xml.WriteStartElement("PmtInf");
        xml.WriteElementString("PmtInfId", payout.Transfer.PaymentInformationId);
        xml.WriteElementString("PmtMtd", "TRF");
        // Booking per transaction: the statement then shows this payout as its own entry, which reconciliation needs.
        xml.WriteElementString("BtchBookg", "false");
        xml.WriteElementString("NbOfTxs", OneTransaction);
        xml.WriteElementString("CtrlSum", payout.Amount);
        xml.WriteNested("SEPA", "PmtTpInf", "SvcLvl", "Cd");
        xml.WriteNested(payout.Transfer.RequestedExecutionDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "ReqdExctnDt", "Dt");
        xml.WriteNested(payout.DebtorName, "Dbtr", "Nm");
        xml.WriteNested(payout.DebtorIban, "DbtrAcct", "Id", "IBAN");
        if (payout.DebtorBic is { } debtorBic)
        {
            xml.WriteNested(debtorBic, "DbtrAgt", "FinInstnId", "BICFI");
        }
        else
        {
            xml.WriteNested(NotProvided, "DbtrAgt", "FinInstnId", "Othr", "Id");
        }

        xml.WriteElementString("ChrgBr", "SLEV");
        WriteTransaction(xml, payout);
        xml.WriteEndElement();
    }

    private static void WriteTransaction(XmlWriter xml, Payout payout)
    {
        xml.WriteStartElement("CdtTrfTxInf");
        xml.WriteNested(payout.Transfer.EndToEndId, "PmtId", "EndToEndId");
        xml.WriteStartElement("Amt");
        xml.WriteStartElement("InstdAmt");
        xml.WriteAttributeString("Ccy", Euro);
        xml.WriteString(payout.Amount);
        xml.WriteEndElement();
        xml.WriteEndElement();
        if (payout.CreditorBic is { } creditorBic)
        {
            // Without a BIC the guideline leaves the creditor agent out altogether: the IBAN routes the payment.
            xml.WriteNested(creditorBic, "CdtrAgt", "FinInstnId", "BICFI");
        }

        xml.WriteNested(payout.CreditorName, "Cdtr", "Nm");
        xml.WriteNested(payout.CreditorIban, "CdtrAcct", "Id", "IBAN");
        if (payout.Remittance.Length > 0)
        {
            xml.WriteNested(payout.Remittance, "RmtInf", "Ustrd");
        }

        xml.WriteEndElement();
    }
}
