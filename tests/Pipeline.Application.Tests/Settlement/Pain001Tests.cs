using System.Text;
using System.Xml.Schema;
using System.Xml.Linq;
using Pipeline.Application.Settlement;

namespace Pipeline.Application.Tests.Settlement;

public sealed class Pain001Tests
{
    private static readonly XNamespace Ns = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";
    private const string SepaCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ";

    private static readonly Pain001Transfer Payout = new(
        MessageId: "MSG-2026-01-05-0001",
        CreatedAt: new DateTimeOffset(2026, 1, 5, 10, 30, 15, TimeSpan.FromHours(1)),
        InitiatingPartyName: "Pipeline Payments B.V.",
        DebtorName: "Pipeline Payments B.V.",
        DebtorIban: "NL91 ABNA 0417 1643 00",
        DebtorBic: "ABNANL2A",
        PaymentInformationId: "PMT-2026-01-05-0001",
        RequestedExecutionDate: new DateOnly(2026, 1, 6),
        EndToEndId: "PO-01HZX3W7K9",
        AmountMinor: 123_450,
        Currency: "EUR",
        CreditorName: "Acme GmbH",
        CreditorIban: "de89 3704 0044 0532 0130 00",
        CreditorBic: "COBADEFFXXX",
        RemittanceInformation: "Payout 2026-01-05 for merchant Acme");

    [Fact]
    public void A_payout_is_a_valid_sepa_credit_transfer_with_every_field_in_place()
    {
        var document = WriteValid(Payout);

        var header = document.Descendants(Ns + "GrpHdr").Single();
        Assert.Equal("MSG-2026-01-05-0001", Text(header, "MsgId"));
        Assert.Equal("2026-01-05T09:30:15Z", Text(header, "CreDtTm"));
        Assert.Equal("1", Text(header, "NbOfTxs"));
        Assert.Equal("1234.50", Text(header, "CtrlSum"));
        Assert.Equal("Pipeline Payments B.V.", Text(header, "InitgPty", "Nm"));
        var payment = document.Descendants(Ns + "PmtInf").Single();
        Assert.Equal("PMT-2026-01-05-0001", Text(payment, "PmtInfId"));
        Assert.Equal("TRF", Text(payment, "PmtMtd"));
        Assert.Equal("false", Text(payment, "BtchBookg"));
        Assert.Equal("1", Text(payment, "NbOfTxs"));
        Assert.Equal("1234.50", Text(payment, "CtrlSum"));
        Assert.Equal("SEPA", Text(payment, "PmtTpInf", "SvcLvl", "Cd"));
        Assert.Equal("2026-01-06", Text(payment, "ReqdExctnDt", "Dt"));
        Assert.Equal("NL91ABNA0417164300", Text(payment, "DbtrAcct", "Id", "IBAN"));
        Assert.Equal("ABNANL2A", Text(payment, "DbtrAgt", "FinInstnId", "BICFI"));
        Assert.Equal("SLEV", Text(payment, "ChrgBr"));
        var transaction = payment.Element(Ns + "CdtTrfTxInf")!;
        Assert.Equal("PO-01HZX3W7K9", Text(transaction, "PmtId", "EndToEndId"));
        var amount = transaction.Element(Ns + "Amt")!.Element(Ns + "InstdAmt")!;
        Assert.Equal(("EUR", "1234.50"), ((string?)amount.Attribute("Ccy"), amount.Value));
        Assert.Equal("COBADEFFXXX", Text(transaction, "CdtrAgt", "FinInstnId", "BICFI"));
        Assert.Equal("Acme GmbH", Text(transaction, "Cdtr", "Nm"));
        Assert.Equal("DE89370400440532013000", Text(transaction, "CdtrAcct", "Id", "IBAN"));
        Assert.Equal("Payout 2026-01-05 for merchant Acme", Text(transaction, "RmtInf", "Ustrd"));
    }

    [Fact]
    public void The_file_is_utf8_without_a_byte_order_mark_and_says_so()
    {
        var xml = Pain001.Write(Payout with { CreditorName = "Zoë" });

        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", xml, StringComparison.Ordinal);
        Assert.NotEqual('\uFEFF', xml[0]);
    }

    [Theory]
    [InlineData(1, "0.01")]
    [InlineData(10, "0.10")]
    [InlineData(150, "1.50")]
    [InlineData(100_000, "1000.00")]
    [InlineData(123_450, "1234.50")]
    [InlineData(99_999_999_999, "999999999.99")]
    public void Amounts_in_cents_are_written_in_euros_with_two_decimals_and_sum_up(long amountMinor, string expected)
    {
        var document = WriteValid(Payout with { AmountMinor = amountMinor });

        Assert.Equal(expected, document.Descendants(Ns + "InstdAmt").Single().Value);
        Assert.All(document.Descendants(Ns + "CtrlSum"), sum => Assert.Equal(expected, sum.Value));
        Assert.Equal(2, document.Descendants(Ns + "CtrlSum").Count());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100_000_000_000)]
    [InlineData(long.MaxValue)]
    public void Amounts_outside_the_sepa_range_throw(long amountMinor) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Pain001.Write(Payout with { AmountMinor = amountMinor }));

    [Theory]
    [InlineData("USD")]
    [InlineData("eur")]
    [InlineData("")]
    public void A_currency_other_than_eur_throws(string currency) =>
        Assert.Throws<ArgumentException>(() => Pain001.Write(Payout with { Currency = currency }));

    [Theory]
    [InlineData("Zoë & Söhne <GmbH> 😀", "Zoe + Sohne GmbH")]
    [InlineData("Straße der Einheit", "Strasse der Einheit")]
    [InlineData("Café \"Le Cœur\"", "Cafe 'Le Coeur'")]
    [InlineData("]]></Nm><Injected/>", "/Nm Injected/")]
    public void Names_outside_the_sepa_set_are_transliterated_and_stay_valid(string name, string expected)
    {
        var document = WriteValid(Payout with { CreditorName = name, DebtorName = name, InitiatingPartyName = name, RemittanceInformation = name });

        Assert.All(document.Descendants(Ns + "Nm"), element => Assert.Equal(expected, element.Value));
        Assert.Equal(expected, document.Descendants(Ns + "Ustrd").Single().Value);
    }

    [Fact]
    public void Long_names_and_remittance_are_cut_to_the_guideline_lengths()
    {
        var longText = string.Concat(Enumerable.Repeat("Ünïcödé Ärger & Co ", 40));
        var document = WriteValid(Payout with { CreditorName = longText, DebtorName = longText, RemittanceInformation = longText });

        Assert.All(document.Descendants(Ns + "Nm").Skip(1), name => Assert.Equal(70, name.Value.Length));
        Assert.Equal(140, document.Descendants(Ns + "Ustrd").Single().Value.Length);
        Assert.StartsWith("Unicode Arger + Co Unicode", document.Descendants(Ns + "Ustrd").Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_bics_the_debtor_agent_is_not_provided_and_the_creditor_agent_is_left_out()
    {
        var document = WriteValid(Payout with { DebtorBic = null, CreditorBic = " " });

        var debtorAgent = document.Descendants(Ns + "DbtrAgt").Single();
        Assert.Equal("NOTPROVIDED", Text(debtorAgent, "FinInstnId", "Othr", "Id"));
        Assert.Empty(document.Descendants(Ns + "BICFI"));
        Assert.Empty(document.Descendants(Ns + "CdtrAgt"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("😀")]
    [InlineData("<>#€")]
    public void Remittance_with_nothing_writable_is_left_out(string remittance) =>
        Assert.Empty(WriteValid(Payout with { RemittanceInformation = remittance }).Descendants(Ns + "RmtInf"));

    [Fact]
    public void Invalid_accounts_identifiers_and_names_throw()
    {
        Assert.Throws<ArgumentException>(() => Pain001.Write(Payout with { CreditorIban = "DE88370400440532013000" }));
        Assert.Throws<ArgumentException>(() => Pain001.Write(Payout with { DebtorIban = "XX00" }));
        Assert.Throws<ArgumentException>(() => Pain001.Write(Payout with { CreditorBic = "COBADE" }));
        Assert.Throws<ArgumentException>(() => Pain001.Write(Payout with { EndToEndId = "po_01HZX3W7K9" }));
        Assert.Throws<ArgumentException>(() => Pain001.Write(Payout with { EndToEndId = new string('A', 36) }));
        Assert.Throws<ArgumentException>(() => Pain001.Write(Payout with { MessageId = "/MSG" }));
        Assert.Throws<ArgumentException>(() => Pain001.Write(Payout with { PaymentInformationId = "PMT//1" }));
        Assert.Throws<ArgumentException>(() => Pain001.Write(Payout with { CreditorName = "😀 ✓" }));
        Assert.Throws<ArgumentNullException>(() => Pain001.Write(null!));
    }

    [Fact]
    public void Seeded_random_payouts_all_validate()
    {
        var random = new Random(20260105);
        for (var i = 0; i < 200; i++)
        {
            var document = WriteValid(Payout with
            {
                AmountMinor = random.NextInt64(1, 100_000_000_000),
                CreditorName = RandomText(random, random.Next(1, 200)) + "x",
                DebtorName = "d" + RandomText(random, random.Next(0, 200)),
                RemittanceInformation = RandomText(random, random.Next(0, 400)),
                CreditorBic = random.Next(2) == 0 ? null : "COBADEFF",
            });

            Assert.All(document.Descendants().Where(e => !e.HasElements), element => Assert.All(element.Value, c => Assert.Contains(c, SepaCharacters)));
        }
    }

    [Fact]
    public void A_document_without_a_required_element_is_reported_with_its_line()
    {
        var lines = Pain001.Write(Payout).Split('\n').ToList();
        var debtor = lines.FindIndex(line => line.Trim() == "<Dbtr>");
        var debtorEnd = lines.FindIndex(line => line.Trim() == "</Dbtr>");
        lines.RemoveRange(debtor, debtorEnd - debtor + 1);

        var errors = Pain001.Validate(string.Join('\n', lines));

        var error = Assert.Single(errors);
        Assert.StartsWith($"line {debtor + 1}, position ", error, StringComparison.Ordinal);
        Assert.Contains("DbtrAcct", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_the_schema_forbids_is_reported()
    {
        var xml = Pain001.Write(Payout).Replace("<ChrgBr>SLEV</ChrgBr>", "<ChrgBr>DEBT</ChrgBr>", StringComparison.Ordinal);

        Assert.Contains(Pain001.Validate(xml), error => error.Contains("ChrgBr", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\"/>")] // another version
    [InlineData("<?xml version=\"1.0\"?>\n<!DOCTYPE Document [<!ENTITY x \"x\">]>\n<Document/>")] // a DTD
    [InlineData("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\">\n<CstmrCdtTrfInitn>")] // cut off
    [InlineData("")]
    public void Documents_that_are_not_a_valid_pain001_are_reported(string xml)
    {
        var errors = Pain001.Validate(xml);

        Assert.NotEmpty(errors);
        Assert.All(errors, error => Assert.Matches("^line [0-9]+, position [0-9]+(, element [A-Za-z]+)?: ", error));
    }

    [Fact]
    public void A_dtd_is_refused_before_any_entity_is_expanded()
    {
        var xml = Pain001.Write(Payout).Replace(
            "<Document ", "<!DOCTYPE Document [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>\n<Document ", StringComparison.Ordinal);

        var error = Assert.Single(Pain001.Validate(xml));
        Assert.StartsWith("line 1, ", error, StringComparison.Ordinal);
        Assert.Contains("DTD is prohibited", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_schema_is_the_epc_pain001_schema() =>
        Assert.Contains(Pain001.Schema.Schemas().Cast<XmlSchema>(), schema => schema.TargetNamespace == Ns.NamespaceName);

    private static XDocument WriteValid(Pain001Transfer transfer)
    {
        var xml = Pain001.Write(transfer);
        var errors = Pain001.Validate(xml);
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + xml);
        return XDocument.Parse(xml);
    }

    private static string Text(XElement parent, params string[] path) =>
        path.Aggregate(parent, (element, name) => element.Element(Ns + name) ?? throw new InvalidOperationException($"No {name} in {element.Name}.")).Value;

    /// <summary>Text from the whole of the Basic Multilingual Plane and beyond, surrogate pairs kept whole.</summary>
    private static string RandomText(Random random, int length)
    {
        var text = new StringBuilder();
        while (text.Length < length)
        {
            var codePoint = random.Next(4) == 0 ? random.Next(0x20, 0x250) : random.Next(0x20, 0x1F700);
            if (codePoint is < 0xD800 or > 0xDFFF)
            {
                text.Append(char.ConvertFromUtf32(codePoint));
            }
        }

        return text.ToString();
    }
}
