using System.Text;
using System.Xml.Schema;
using Pipeline.Application.Collection.Statements;
using Pipeline.Application.Standards;

namespace Pipeline.Application.Tests.Collection;

public sealed class Camt053Tests
{
    private const string Account = "DE89370400440532013000";
    private const string VirtualAccount = "DE02120300000000202051";
    private static readonly DateOnly Day = new(2026, 1, 5);

    /// <summary>
    /// Two statements as a bank writes them: a credit to a virtual account with an RF reference (booked at a time),
    /// a credit to the account itself with unstructured text, a batch of two credits, a debit that takes its
    /// amount from the entry, a pending entry without details; then an overdrawn account whose one credit names
    /// only the payer's bank and no reference at all.
    /// </summary>
    private const string TwoStatements = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
          <BkToCstmrStmt>
            <GrpHdr>
              <MsgId>MSG-2026-01-05</MsgId>
              <CreDtTm>2026-01-06T06:00:00+01:00</CreDtTm>
            </GrpHdr>
            <Stmt>
              <Id>STMT-A</Id>
              <ElctrncSeqNb>5</ElctrncSeqNb>
              <CreDtTm>2026-01-06T05:30:00Z</CreDtTm>
              <Acct>
                <Id><IBAN>DE89370400440532013000</IBAN></Id>
                <Ccy>EUR</Ccy>
              </Acct>
              <Bal>
                <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
                <Amt Ccy="EUR">1000.00</Amt>
                <CdtDbtInd>CRDT</CdtDbtInd>
                <Dt><Dt>2026-01-05</Dt></Dt>
              </Bal>
              <Bal>
                <Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
                <Amt Ccy="EUR">1180.40</Amt>
                <CdtDbtInd>CRDT</CdtDbtInd>
                <Dt><DtTm>2026-01-05T23:59:59</DtTm></Dt>
              </Bal>
              <TxsSummry><TtlNtries><NbOfNtries>5</NbOfNtries></TtlNtries></TxsSummry>
              <Ntry>
                <Amt Ccy="EUR">123.45</Amt>
                <CdtDbtInd>CRDT</CdtDbtInd>
                <Sts><Cd>BOOK</Cd></Sts>
                <BookgDt><DtTm>2026-01-05T23:30:00+01:00</DtTm></BookgDt>
                <ValDt><Dt>2026-01-06</Dt></ValDt>
                <AcctSvcrRef>NTRY-1</AcctSvcrRef>
                <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
                <NtryDtls>
                  <TxDtls>
                    <Refs>
                      <AcctSvcrRef>TX-1</AcctSvcrRef>
                      <EndToEndId>INV-2026-001</EndToEndId>
                    </Refs>
                    <Amt Ccy="EUR">123.45</Amt>
                    <CdtDbtInd>CRDT</CdtDbtInd>
                    <RltdPties>
                      <Dbtr><Pty><Nm>Zoë Müller</Nm></Pty></Dbtr>
                      <DbtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></DbtrAcct>
                      <CdtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></CdtrAcct>
                    </RltdPties>
                    <RmtInf>
                      <Strd>
                        <CdtrRefInf>
                          <Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp>
                          <Ref>rf18 5390 0754 7034</Ref>
                        </CdtrRefInf>
                      </Strd>
                    </RmtInf>
                  </TxDtls>
                </NtryDtls>
              </Ntry>
              <Ntry>
                <Amt Ccy="EUR">80.00</Amt>
                <CdtDbtInd>CRDT</CdtDbtInd>
                <Sts><Cd>BOOK</Cd></Sts>
                <BookgDt><Dt>2026-01-05</Dt></BookgDt>
                <AcctSvcrRef>NTRY-2</AcctSvcrRef>
                <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
                <NtryDtls>
                  <TxDtls>
                    <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
                    <RltdPties><Dbtr><Pty><Nm>Acme GmbH</Nm></Pty></Dbtr></RltdPties>
                    <RmtInf>
                      <Ustrd>Order 4711</Ustrd>
                      <Ustrd>thank you</Ustrd>
                    </RmtInf>
                  </TxDtls>
                </NtryDtls>
              </Ntry>
              <Ntry>
                <Amt Ccy="EUR">50.00</Amt>
                <CdtDbtInd>CRDT</CdtDbtInd>
                <Sts><Cd>BOOK</Cd></Sts>
                <BookgDt><Dt>2026-01-05</Dt></BookgDt>
                <AcctSvcrRef>BATCH-1</AcctSvcrRef>
                <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
                <NtryDtls>
                  <Btch><NbOfTxs>2</NbOfTxs></Btch>
                  <TxDtls>
                    <Refs><AcctSvcrRef>BATCH-1-A</AcctSvcrRef></Refs>
                    <Amt Ccy="EUR">30.00</Amt>
                    <CdtDbtInd>CRDT</CdtDbtInd>
                    <RltdPties><CdtrAcct><Id><IBAN>GB29nwbk60161331926819</IBAN></Id></CdtrAcct></RltdPties>
                  </TxDtls>
                  <TxDtls>
                    <Amt Ccy="EUR">20.00</Amt>
                  </TxDtls>
                </NtryDtls>
              </Ntry>
              <Ntry>
                <Amt Ccy="EUR">73.05</Amt>
                <CdtDbtInd>DBIT</CdtDbtInd>
                <Sts><Cd>BOOK</Cd></Sts>
                <BookgDt><Dt>2026-01-05</Dt></BookgDt>
                <ValDt><Dt>2026-01-05</Dt></ValDt>
                <AcctSvcrRef>NTRY-4</AcctSvcrRef>
                <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
                <NtryDtls>
                  <TxDtls>
                    <Refs><EndToEndId>po-01HZX3W7K9</EndToEndId></Refs>
                    <RltdPties>
                      <Cdtr><Pty><Nm>Merchant Ltd</Nm></Pty></Cdtr>
                      <CdtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></CdtrAcct>
                    </RltdPties>
                  </TxDtls>
                </NtryDtls>
              </Ntry>
              <Ntry>
                <Amt Ccy="EUR">9.99</Amt>
                <CdtDbtInd>CRDT</CdtDbtInd>
                <Sts><Cd>PDNG</Cd></Sts>
                <ValDt><Dt>2026-01-07</Dt></ValDt>
                <AcctSvcrRef>NTRY-5</AcctSvcrRef>
                <BkTxCd><Prtry><Cd>NTRF</Cd></Prtry></BkTxCd>
              </Ntry>
            </Stmt>
            <Stmt>
              <Id>STMT-B</Id>
              <Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>
              <Bal>
                <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
                <Amt Ccy="EUR">5.00</Amt>
                <CdtDbtInd>DBIT</CdtDbtInd>
                <Dt><Dt>2026-01-05</Dt></Dt>
              </Bal>
              <Ntry>
                <Amt Ccy="EUR">1.00</Amt>
                <CdtDbtInd>CRDT</CdtDbtInd>
                <Sts><Cd>BOOK</Cd></Sts>
                <BookgDt><Dt>2026-01-05</Dt></BookgDt>
                <BkTxCd><Prtry><Cd>NTRF</Cd></Prtry></BkTxCd>
                <NtryDtls>
                  <TxDtls>
                    <RltdPties><Dbtr><Agt><FinInstnId><Nm>Payer Bank</Nm></FinInstnId></Agt></Dbtr></RltdPties>
                  </TxDtls>
                </NtryDtls>
              </Ntry>
            </Stmt>
          </BkToCstmrStmt>
        </Document>
        """;

    [Fact]
    public void A_statement_is_read_field_by_field()
    {
        var read = Read(TwoStatements);

        Assert.Empty(read.Errors);
        Assert.True(read.WellFormed);
        var statement = read.Statements[0];
        Assert.Equal(("MSG-2026-01-05", "STMT-A", Account), (statement.MessageId, statement.StatementId, statement.AccountIban));
        Assert.Equal(new DateTimeOffset(2026, 1, 6, 5, 30, 0, TimeSpan.Zero), statement.CreatedAt);
        Assert.Equal(
            [new StatementBalance("OPBD", 100_000, "EUR", Day), new StatementBalance("CLBD", 118_040, "EUR", Day)],
            statement.Balances);
        Assert.Equal(
            [
                new StatementEntry(0, 29, "TX-1", true, true, 12_345, "EUR", Day, Day.AddDays(1), VirtualAccount, "INV-2026-001", "RF18539007547034", null, "Zoë Müller"),
                new StatementEntry(1, 61, "NTRY-2", true, true, 8_000, "EUR", Day, null, Account, null, null, "Order 4711 thank you", "Acme GmbH"),
                new StatementEntry(2, 79, "BATCH-1-A", true, true, 3_000, "EUR", Day, null, "GB29NWBK60161331926819", null, null, null, null),
                new StatementEntry(3, 79, "STMT-A:3", true, true, 2_000, "EUR", Day, null, Account, null, null, null, null),
                new StatementEntry(4, 99, "NTRY-4", false, true, 7_305, "EUR", Day, Day, Account, "po-01HZX3W7K9", null, null, null),
                new StatementEntry(5, 117, "NTRY-5", true, false, 999, "EUR", Day.AddDays(2), Day.AddDays(2), Account, null, null, null, null),
            ],
            statement.Entries);
    }

    [Fact]
    public void Every_statement_of_a_file_is_read_with_the_files_header()
    {
        var statements = Read(TwoStatements).Statements;

        Assert.Equal(["STMT-A", "STMT-B"], statements.Select(s => s.StatementId));
        var second = statements[1];
        Assert.Equal(("MSG-2026-01-05", "NL91ABNA0417164300"), (second.MessageId, second.AccountIban));
        Assert.Equal(new DateTimeOffset(2026, 1, 6, 6, 0, 0, TimeSpan.FromHours(1)), second.CreatedAt);
        Assert.Equal([new StatementBalance("OPBD", -500, "EUR", Day)], second.Balances);
        var entry = Assert.Single(second.Entries);
        Assert.Equal((0, "STMT-B:0", 100L, "NL91ABNA0417164300", "Payer Bank"), (entry.Index, entry.BankTransactionId, entry.AmountMinor, entry.VirtualAccount, entry.PayerName));
    }

    [Fact]
    public void A_built_statement_validates_and_reads_back_as_built()
    {
        Camt053EntrySpec[] entries =
        [
            new("BT-1", 12_345, "EUR", IsCredit: true, IsBooked: true, Day, VirtualAccount, "E2E-1", "RF18 5390 0754 7034", "Invoice 1", "Zoë Müller"),
            new("BT-2", 500, "EUR", IsCredit: false, IsBooked: true, Day.AddDays(1), VirtualAccount, PayerName: "Pipeline Payments B.V."),
            new("BT-3", 7_000, "EUR", IsCredit: true, IsBooked: false, Day.AddDays(1)),
        ];
        var xml = Camt053Builder.Build("STMT-1", Account, -1_000, "EUR", entries);

        Assert.Empty(Camt053.Schema.Validate(xml));
        Assert.Empty(Camt053.Schema.Validate(Utf8(xml)));
        var statement = Assert.Single(Read(xml).Statements);
        Assert.Equal(
            [new StatementBalance("OPBD", -1_000, "EUR", Day), new StatementBalance("CLBD", 10_845, "EUR", Day.AddDays(1))],
            statement.Balances);
        Assert.Equal(
            [
                ("BT-1", true, true, 12_345L, VirtualAccount, "E2E-1", "RF18539007547034", "Invoice 1", "Zoë Müller"),
                ("BT-2", false, true, 500L, VirtualAccount, null, null, null, "Pipeline Payments B.V."),
                ("BT-3", true, false, 7_000L, Account, null, null, null, null),
            ],
            statement.Entries.Select(e => (e.BankTransactionId, e.IsCredit, e.IsBooked, e.AmountMinor, e.VirtualAccount, e.EndToEndId, e.CreditorReference, e.RemittanceText, e.PayerName)));
    }

    [Theory]
    [InlineData("JPY", 12_345, "12345")]
    [InlineData("KWD", 12_345, "12.345")]
    [InlineData("EUR", 12_345, "123.45")]
    [InlineData("EUR", 999_999_999_999_999_999, "9999999999999999.99")]
    public void Amounts_are_read_in_the_minor_units_of_their_currency(string currency, long amountMinor, string written)
    {
        var xml = Build(Entry(amountMinor, currency));
        Assert.Contains($">{written}</Amt>", xml, StringComparison.Ordinal);

        var entry = Assert.Single(Assert.Single(Read(xml).Statements).Entries);

        Assert.Equal((amountMinor, currency), (entry.AmountMinor, entry.Currency));
    }

    [Theory]
    [InlineData("123.40", 12_340)]
    [InlineData("123.4", 12_340)]
    [InlineData(" 123.45000 ", 12_345)]
    [InlineData("+0123.45", 12_345)]
    public void Trailing_zeros_and_the_forms_xsd_allows_are_no_extra_decimals(string written, long amountMinor)
    {
        var xml = ReplaceAmounts(Build(Entry(12_345, "EUR")), "123.45", written);

        Assert.Equal(amountMinor, Assert.Single(Assert.Single(Read(xml).Statements).Entries).AmountMinor);
    }

    [Theory]
    [InlineData("EUR", 12_345, "123.45", "123.456")]
    [InlineData("JPY", 12_345, "12345", "12345.5")]
    [InlineData("KWD", 12_345, "12.345", "12.3451")]
    public void More_decimals_than_the_currency_has_are_refused(string currency, long amountMinor, string written, string tooPrecise)
    {
        var xml = ReplaceAmounts(Build(Entry(amountMinor, currency)), written, tooPrecise);

        var read = Read(xml);

        Assert.Empty(read.Statements);
        Assert.True(read.WellFormed);
        Assert.All(read.Errors, error => Assert.Equal("Amt", error.Element));
        Assert.Contains(read.Errors, error => error.Line == LineOf(xml, $">{tooPrecise}</Amt>") && error.Message.Contains("decimals", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("XYZ")] // not an ISO 4217 code
    [InlineData("DEM")] // historic: the schema takes it, the platform does not
    [InlineData("XXX")] // "no currency"
    [InlineData("eur")] // breaks the schema's pattern
    public void An_unknown_currency_is_refused(string code)
    {
        var xml = Build(Entry(100, "EUR")).Replace("Ccy=\"EUR\"", $"Ccy=\"{code}\"", StringComparison.Ordinal);

        var read = Read(xml);

        Assert.Empty(read.Statements);
        Assert.Contains(read.Errors, error => error.Message.Contains($"'{code}'", StringComparison.Ordinal) && error.Line > 0);
    }

    [Fact]
    public void An_amount_past_what_a_long_holds_is_an_error_not_an_exception()
    {
        var xml = ReplaceAmounts(Build(Entry(100, "EUR")), "1.00", "999999999999999999");

        var error = Assert.Single(Read(xml).Errors, e => e.Message.Contains("more minor units", StringComparison.Ordinal));

        Assert.Equal(("Amt", LineOf(xml, ">999999999999999999</Amt>")), (error.Element, error.Line));
    }

    [Fact]
    public void A_missing_amount_is_reported_at_its_line_and_element()
    {
        var lines = Lines(Build(Entry(100, "EUR")));
        var entry = lines.FindIndex(line => line.Trim() == "<Ntry>");
        lines.RemoveAt(entry + 1); // <Amt Ccy="EUR">1.00</Amt>

        var read = Read(string.Join('\n', lines));

        Assert.Empty(read.Statements);
        var error = Assert.Single(read.Errors);
        Assert.Equal((entry + 2, "CdtDbtInd"), (error.Line, error.Element));
        Assert.Contains("Amt", error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"line {entry + 2}, position ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(", element CdtDbtInd: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Elements_out_of_order_are_reported_at_their_line_and_element()
    {
        var lines = Lines(Build(Entry(100, "EUR")));
        var status = lines.FindIndex(line => line.Trim() == "<Sts>");
        var indicator = status - 1;
        (lines[indicator], lines[status], lines[status + 1], lines[status + 2]) = (lines[status], lines[status + 1], lines[status + 2], lines[indicator]);

        var read = Read(string.Join('\n', lines));

        Assert.Empty(read.Statements);
        Assert.Contains(read.Errors, error => (error.Line, error.Element) == (indicator + 1, "Sts") && error.Message.Contains("CdtDbtInd", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("</Stmt>", "</Stmt>\n<Ntry>")] // a tag that never closes
    [InlineData("<Id>", "<Id attr=>")] // an attribute without a value
    [InlineData("</Document>", "")] // cut off
    [InlineData("<Ntry>", "<Ntry>&nbsp;")] // an entity no DTD declares
    public void A_document_that_is_not_well_formed_is_refused_at_its_line(string from, string to)
    {
        var xml = Build(Entry(100, "EUR"));
        var broken = xml[..xml.IndexOf(from, StringComparison.Ordinal)] + to + xml[(xml.IndexOf(from, StringComparison.Ordinal) + from.Length)..];

        var read = Read(broken);

        Assert.Empty(read.Statements);
        Assert.False(read.WellFormed);
        Assert.True(read.Errors[^1].Line > 1, read.Errors[^1].ToString());
    }

    [Fact]
    public void Billion_laughs_is_refused_before_any_entity_is_expanded()
    {
        var laughs = new StringBuilder("<!ENTITY lol0 \"lol\">");
        for (var i = 1; i < 10; i++)
        {
            laughs.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">");
        }

        var xml = Build(Entry(100, "EUR"))
            .Replace("<Document ", $"<!DOCTYPE Document [{laughs}]>\n<Document ", StringComparison.Ordinal)
            .Replace("<Id>STMT-1</Id>", "<Id>&lol9;</Id>", StringComparison.Ordinal);

        var read = Read(xml);

        Assert.Empty(read.Statements);
        Assert.False(read.WellFormed);
        var error = Assert.Single(read.Errors);
        Assert.Contains("DTD is prohibited", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void An_external_entity_is_refused_without_reading_the_file()
    {
        var xml = Build(Entry(100, "EUR"))
            .Replace("<Document ", "<!DOCTYPE Document [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n<Document ", StringComparison.Ordinal)
            .Replace("<Ustrd>", "<Ustrd>&secret;", StringComparison.Ordinal);

        var read = Read(xml);

        Assert.Empty(read.Statements);
        var error = Assert.Single(read.Errors);
        Assert.Contains("DTD is prohibited", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_statement_of_another_version_is_refused()
    {
        var xml = Build(Entry(100, "EUR")).Replace("camt.053.001.08", "camt.053.001.02", StringComparison.Ordinal);

        var read = Read(xml);

        Assert.Empty(read.Statements);
        Assert.True(read.WellFormed);
        Assert.Equal((2, "Document"), (read.Errors[0].Line, read.Errors[0].Element));
    }

    [Fact]
    public void A_document_longer_than_allowed_is_refused()
    {
        var xml = Build([.. Enumerable.Range(0, 20).Select(i => Entry(100 + i, "EUR"))]);

        var read = Camt053.Read(Utf8(xml), maxCharacters: 10_000);

        Assert.Empty(read.Statements);
        Assert.False(read.WellFormed);
        var error = Assert.Single(read.Errors);
        Assert.Contains("MaxCharactersInDocument", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line > 1, error.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => Camt053.Read(Utf8(xml), maxCharacters: 0));
    }

    [Fact]
    public void A_batch_whose_transactions_have_no_amount_is_refused()
    {
        var xml = TwoStatements.Replace("<Amt Ccy=\"EUR\">20.00</Amt>", "", StringComparison.Ordinal);

        var error = Assert.Single(Read(xml).Errors);

        Assert.Equal("TxDtls", error.Element);
    }

    [Fact]
    public void A_statement_of_an_account_without_an_iban_is_refused()
    {
        var xml = TwoStatements.Replace(
            "<IBAN>DE89370400440532013000</IBAN>", "<Othr><Id>0532013000</Id></Othr>", StringComparison.Ordinal);

        var error = Assert.Single(Read(xml).Errors);

        Assert.Equal("Acct", error.Element);
    }

    [Fact]
    public void Iso20022Schema_stops_at_its_error_bound()
    {
        var xml = Build([.. Enumerable.Range(0, 3 * Iso20022Schema.MaxErrors).Select(i => Entry(100 + i, "EUR"))])
            .Replace("<Cd>BOOK</Cd>", "<Cd>TOOLONG</Cd>", StringComparison.Ordinal);

        Assert.Equal(Iso20022Schema.MaxErrors, Camt053.Schema.Validate(Utf8(xml)).Count);
        Assert.Equal(Iso20022Schema.MaxErrors, Read(xml).Errors.Count);
    }

    [Fact]
    public void Iso20022Schema_is_the_camt053_schema()
    {
        Assert.Contains(Camt053.Schema.Schema.Schemas().Cast<XmlSchema>(), schema => schema.TargetNamespace == Camt053.Namespace);
        Assert.Throws<ArgumentException>(() => new Iso20022Schema("camt.053.001.99.xsd"));
    }

    [Fact]
    public void A_statement_of_ten_thousand_entries_reads_every_entry()
    {
        var entries = Enumerable.Range(0, 10_000).Select(i => Entry(1 + i, "EUR") with { BankTransactionId = $"BT-{i}" }).ToList();
        using var xml = new MemoryStream();
        Camt053Builder.Write(xml, [new Camt053StatementSpec("STMT-BIG", Account, 0, "EUR", entries)]);
        xml.Position = 0;

        var read = Camt053.Read(xml);

        Assert.Empty(read.Errors);
        var statement = Assert.Single(read.Statements);
        Assert.Equal(10_000, statement.Entries.Count);
        Assert.Equal(Enumerable.Range(0, 10_000), statement.Entries.Select(e => e.Index));
        Assert.Equal("BT-9999", statement.Entries[^1].BankTransactionId);
    }

    private static Camt053EntrySpec Entry(long amountMinor, string currency) =>
        new("BT-1", amountMinor, currency, IsCredit: true, IsBooked: true, Day, VirtualAccount, "E2E-1", "RF18539007547034", "Invoice 1", "Zoë Müller");

    private static string Build(params Camt053EntrySpec[] entries) =>
        Camt053Builder.Build("STMT-1", Account, 0, entries.FirstOrDefault()?.Currency ?? "EUR", entries);

    private static StatementRead Read(string xml) => Camt053.Read(Utf8(xml));

    private static MemoryStream Utf8(string xml) => new(Encoding.UTF8.GetBytes(xml));

    private static List<string> Lines(string xml) => [.. xml.Split('\n')];

    /// <summary>The 1-based line holding <paramref name="text"/>.</summary>
    private static int LineOf(string xml, string text) => Lines(xml).FindIndex(line => line.Contains(text, StringComparison.Ordinal)) + 1;

    /// <summary>Replaces every amount written as <paramref name="from"/> (the entry's, its transaction's, the closing balance's).</summary>
    private static string ReplaceAmounts(string xml, string from, string to) =>
        xml.Replace($">{from}</Amt>", $">{to}</Amt>", StringComparison.Ordinal);
}
