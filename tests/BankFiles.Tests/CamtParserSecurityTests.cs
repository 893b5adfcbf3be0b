using System.Text;
using FlutHilfe.TestSupport;
using Shouldly;
using Xunit;

namespace FlutHilfe.BankFiles.Tests;

public class CamtParserSecurityTests
{
    private const string Ns = CamtTestFiles.Ns08;

    [Fact]
    public void Valid_minimal_document_parses()
    {
        var file = CamtTestFiles.ParseString(CamtTestFiles.Statement(CamtTestFiles.Entry("12.34") + CamtTestFiles.Entry("0.5", cdtDbt: "DBIT")));
        var s = file.Statements.ShouldHaveSingleItem();
        s.Entries.Select(e => e.SignedAmountCents).ShouldBe([1234L, -50L]);
        s.Entries.ShouldAllBe(e => e.Transactions.Count == 1 && e.Transactions[0].IsSynthetic);
    }

    [Fact]
    public void External_entity_XXE_is_refused_and_never_resolved()
    {
        var xml = $"""
            <?xml version="1.0"?>
            <!DOCTYPE Document [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <Document xmlns="{Ns}"><BkToCstmrStmt><Stmt><Id>&xxe;</Id></Stmt></BkToCstmrStmt></Document>
            """;
        var ex = Should.Throw<CamtFormatException>(() => CamtTestFiles.ParseString(xml));
        ex.Reason.ShouldContain("DTD");
        ex.Message.ShouldNotContain("root:");
    }

    [Fact]
    public void Billion_laughs_is_refused()
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        for (var i = 1; i <= 9; i++)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $" <!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? string.Empty : i - 1)};", 10))}\">\n");
        }

        sb.Append($"]>\n<Document xmlns=\"{Ns}\"><BkToCstmrStmt><Stmt><Id>&lol9;</Id></Stmt></BkToCstmrStmt></Document>");
        var ex = Should.Throw<CamtFormatException>(() => CamtTestFiles.ParseString(sb.ToString()));
        ex.Reason.ShouldContain("DTD");
    }

    [Fact]
    public void Predefined_entities_and_character_references_still_work()
    {
        var entry = CamtTestFiles.Entry(details: "<NtryDtls><TxDtls><RmtInf><Ustrd>Spende M&amp;M &#x20AC; &lt;3</Ustrd></RmtInf></TxDtls></NtryDtls>");
        var t = CamtTestFiles.ParseString(CamtTestFiles.Statement(entry)).Statements[0].Entries[0].Transactions[0];
        t.UnstructuredRemittance.ShouldBe("Spende M&M € <3");
    }

    [Fact]
    public void Truncated_xml_is_refused_with_the_location()
    {
        var bytes = File.ReadAllBytes(CamtTestFiles.Path("viafintech-valid_example.xml"));
        var truncated = bytes.AsSpan(0, bytes.Length * 2 / 3).ToArray();
        var ex = Should.Throw<CamtFormatException>(() => CamtTestFiles.ParseBytes(truncated));
        ex.Reason.ShouldStartWith("malformed XML");
        ex.ElementPath.ShouldStartWith("Document/BkToCstmrStmt/Stmt[1]");
        ex.LineNumber.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("not xml at all")]
    [InlineData("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>")]
    public void Garbage_is_refused(string xml)
    {
        Should.Throw<CamtFormatException>(() => CamtTestFiles.ParseString(xml));
    }

    [Theory]
    [InlineData("urn:iso:std:iso:20022:tech:xsd:camt.052.001.08")]
    [InlineData("urn:iso:std:iso:20022:tech:xsd:pain.001.001.03")]
    [InlineData("")]
    public void Wrong_namespace_is_refused(string ns)
    {
        var ex = Should.Throw<CamtFormatException>(() => CamtTestFiles.ParseString(CamtTestFiles.Statement(CamtTestFiles.Entry(), ns)));
        ex.ElementPath.ShouldBe("Document");
        ex.Reason.ShouldContain("namespace");
    }

    [Fact]
    public void Wrong_root_is_refused()
    {
        var ex = Should.Throw<CamtFormatException>(() => CamtTestFiles.ParseString($"<Foo xmlns=\"{Ns}\"/>"));
        ex.ElementPath.ShouldBe("Document");
        ex.Reason.ShouldContain("Foo");
    }

    [Theory]
    [InlineData("urn:iso:std:iso:20022:tech:xsd:camt.053.001.02", "053.001.02")]
    [InlineData("urn:iso:std:iso:20022:tech:xsd:camt.053.001.06", "053.001.06")]
    [InlineData("urn:iso:std:iso:20022:tech:xsd:camt.053.001.13", "053.001.13")]
    public void Any_camt053_version_namespace_is_accepted(string ns, string version)
    {
        CamtTestFiles.ParseString(CamtTestFiles.Statement(CamtTestFiles.Entry(), ns)).Version.ShouldBe(version);
    }

    [Fact]
    public void Input_over_the_size_limit_throws_the_specific_exception()
    {
        var bytes = File.ReadAllBytes(CamtTestFiles.Path("viafintech-valid_example.xml"));
        using var seekable = new MemoryStream(bytes);
        Should.Throw<CamtInputTooLargeException>(() => CamtParser.Parse(seekable, maxInputBytes: 4096)).LimitBytes.ShouldBe(4096);

        // Non-seekable input (an HTTP body): detected while reading.
        using var forwardOnly = new ForwardOnlyStream(bytes);
        Should.Throw<CamtInputTooLargeException>(() => CamtParser.Parse(forwardOnly, maxInputBytes: 4096));

        using var ok = new ForwardOnlyStream(bytes);
        CamtParser.Parse(ok, maxInputBytes: bytes.Length).Statements.Count.ShouldBe(1);
    }

    [Fact]
    public void Default_limit_is_50_MB()
    {
        CamtParserOptions.Default.MaxInputBytes.ShouldBe(50L * 1024 * 1024);
    }

    [Fact]
    public void Non_EUR_entry_is_refused_with_its_path()
    {
        var xml = CamtTestFiles.Statement(CamtTestFiles.Entry() + CamtTestFiles.Entry() + CamtTestFiles.Entry(ccy: "USD"));
        var ex = Should.Throw<CamtFormatException>(() => CamtTestFiles.ParseString(xml));
        ex.ElementPath.ShouldBe("Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt");
        ex.Reason.ShouldContain("USD");
        ex.LineNumber.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("1.234", "more than 2 decimals")]
    [InlineData("-5.00", "negative")]
    [InlineData("abc", "not a plain decimal")]
    [InlineData("1,50", "not a plain decimal")]
    [InlineData("1e3", "not a plain decimal")]
    [InlineData("", "empty")]
    public void Bad_amount_is_refused_with_its_path(string amount, string reason)
    {
        var xml = CamtTestFiles.Statement(CamtTestFiles.Entry() + CamtTestFiles.Entry() + CamtTestFiles.Entry(amount));
        var ex = Should.Throw<CamtFormatException>(() => CamtTestFiles.ParseString(xml));
        ex.ElementPath.ShouldBe("Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt");
        ex.Reason.ShouldContain(reason);
    }

    public static TheoryData<string, string> MissingElements => new()
    {
        { CamtTestFiles.Statement(CamtTestFiles.Entry(amtElement: string.Empty)), "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt" },
        { CamtTestFiles.Statement(CamtTestFiles.Entry(amtElement: "<Amt>1.00</Amt>")), "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt" },
        { CamtTestFiles.Statement(CamtTestFiles.Entry(cdtDbt: "XXXX")), "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/CdtDbtInd" },
        { CamtTestFiles.Statement(CamtTestFiles.Entry(booking: string.Empty)), "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/BookgDt" },
        { CamtTestFiles.Statement(CamtTestFiles.Entry(booking: "<BookgDt><Dt>2025-13-01</Dt></BookgDt>")), "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/BookgDt/Dt" },
        { CamtTestFiles.Statement(CamtTestFiles.Entry(), stmtId: string.Empty), "Document/BkToCstmrStmt/Stmt[1]/Id" },
        { CamtTestFiles.Statement(CamtTestFiles.Entry(), account: "<Id/>"), "Document/BkToCstmrStmt/Stmt[1]/Acct/Id/IBAN" },
        {
            CamtTestFiles.Statement(CamtTestFiles.Entry("5.00", details: "<NtryDtls><TxDtls/><TxDtls><Amt Ccy=\"EUR\">2.00</Amt></TxDtls></NtryDtls>")),
            "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]/AmtDtls/TxAmt/Amt"
        },
        {
            CamtTestFiles.Statement(CamtTestFiles.Entry("5.00", details: "<NtryDtls><TxDtls><Amt Ccy=\"EUR\">2.001</Amt></TxDtls><TxDtls><Amt Ccy=\"EUR\">3</Amt></TxDtls></NtryDtls>")),
            "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]/Amt"
        },
    };

    [Theory]
    [MemberData(nameof(MissingElements))]
    public void Missing_or_invalid_required_elements_are_refused_with_their_path(string xml, string path)
    {
        var ex = Should.Throw<CamtFormatException>(() => CamtTestFiles.ParseString(xml));
        ex.ElementPath.ShouldBe(path);
        ex.Message.ShouldStartWith(path);
    }

    [Fact]
    public void Pending_entry_may_lack_a_booking_date()
    {
        var entry = CamtTestFiles.Entry(booking: string.Empty).Replace("<Cd>BOOK</Cd>", "<Cd>PDNG</Cd>", StringComparison.Ordinal);
        var e = CamtTestFiles.ParseString(CamtTestFiles.Statement(entry)).Statements[0].Entries[0];
        e.Status.ShouldBe("PDNG");
        e.BookingDate.ShouldBeNull();
    }

    [Fact]
    public void Placeholders_mean_absent()
    {
        var details = """
            <NtryDtls><TxDtls>
              <Refs><AcctSvcrRef> NONREF </AcctSvcrRef><EndToEndId>NOT PROVIDED</EndToEndId><MndtId>   </MndtId></Refs>
              <RmtInf><Ustrd>notprovided</Ustrd><Strd><CdtrRefInf><Ref>NOTPROVIDED</Ref></CdtrRefInf></Strd><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>
            </TxDtls></NtryDtls>
            """;
        var entry = CamtTestFiles.Entry(details: details).Replace("<Sts>", "<AcctSvcrRef>NONREF</AcctSvcrRef><Sts>", StringComparison.Ordinal);
        var e = CamtTestFiles.ParseString(CamtTestFiles.Statement(entry)).Statements[0].Entries[0];
        e.AccountServicerReference.ShouldBeNull();
        var t = e.Transactions.ShouldHaveSingleItem();
        t.AccountServicerReference.ShouldBeNull();
        t.EndToEndId.ShouldBeNull();
        t.MandateId.ShouldBeNull();
        t.UnstructuredRemittance.ShouldBeNull();
        t.StructuredReference.ShouldBe("RF18539007547034");
        t.StructuredReferenceType.ShouldBeNull();
    }

    [Fact]
    public void Reversal_and_return_reason_are_read()
    {
        var details = "<NtryDtls><TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs><RtrInf><Rsn><Cd>MD06</Cd></Rsn></RtrInf></TxDtls></NtryDtls>";
        var entry = CamtTestFiles.Entry(cdtDbt: "DBIT", details: details).Replace("<Sts>", "<RvslInd>true</RvslInd><Sts>", StringComparison.Ordinal);
        var e = CamtTestFiles.ParseString(CamtTestFiles.Statement(entry)).Statements[0].Entries[0];
        e.Reversal.ShouldBeTrue();
        e.Direction.ShouldBe(CreditDebit.Debit);
        e.Transactions[0].ReturnReasonCode.ShouldBe("MD06");
        e.Transactions[0].EndToEndId.ShouldBe("E2E-1");
    }

    [Fact]
    public void Unstructured_lines_are_trimmed_and_joined_with_a_space()
    {
        var details = "<NtryDtls><TxDtls><RmtInf><Ustrd> Spende RF18 5390 </Ustrd><Ustrd>0754 7034 </Ustrd></RmtInf></TxDtls></NtryDtls>";
        var t = CamtTestFiles.ParseString(CamtTestFiles.Statement(CamtTestFiles.Entry(details: details))).Statements[0].Entries[0].Transactions[0];
        t.UnstructuredRemittance.ShouldBe("Spende RF18 5390 0754 7034");
    }

    [Fact]
    public void Iban_is_normalised()
    {
        var xml = CamtTestFiles.Statement(CamtTestFiles.Entry(), account: "<Id><IBAN> de02 1203 0000 0000 2020 51 </IBAN></Id>");
        CamtTestFiles.ParseString(xml).Statements[0].AccountId.ShouldBe("DE02120300000000202051");
    }

    [Fact]
    public void Elements_in_foreign_namespaces_are_ignored()
    {
        var xml = CamtTestFiles.Statement(CamtTestFiles.Entry() + "<x:Ntry xmlns:x=\"urn:other\"><x:Amt>bogus</x:Amt></x:Ntry>");
        CamtTestFiles.ParseString(xml).Statements[0].Entries.Count.ShouldBe(1);
    }

    [Fact]
    public void Deeply_nested_elements_are_refused()
    {
        // Without a depth limit, building the XElement for this 0.7 MB input takes ~20 s (quadratic): the refusal
        // names the depth limit, so it came from the reader and not from a finished tree. (Timings belong in bench/.)
        var nested = string.Concat(Enumerable.Repeat("<a>", 100_000)) + string.Concat(Enumerable.Repeat("</a>", 100_000));
        var xml = CamtTestFiles.Statement(CamtTestFiles.Entry(details: $"<NtryDtls><TxDtls><RmtInf><Ustrd>{nested}</Ustrd></RmtInf></TxDtls></NtryDtls>"));
        var ex = Should.Throw<CamtFormatException>(() => CamtTestFiles.ParseString(xml));
        ex.Reason.ShouldContain("nested deeper than 64");
        ex.ElementPath.ShouldBe("Document/BkToCstmrStmt/Stmt[1]/Ntry[1]");
    }

    [Fact]
    public async Task ParseAsync_enforces_the_limit_and_parses()
    {
        var bytes = File.ReadAllBytes(CamtTestFiles.Path("viafintech-valid_example.xml"));
        using var tooBig = new ForwardOnlyStream(bytes);
        await Should.ThrowAsync<CamtInputTooLargeException>(() => CamtParser.ParseAsync(tooBig, new CamtParserOptions { MaxInputBytes = 1000 }, TestContext.Current.CancellationToken));
        using var ok = new ForwardOnlyStream(bytes);
        var file = await CamtParser.ParseAsync(ok, cancellationToken: TestContext.Current.CancellationToken);
        file.Statements[0].Entries.Count.ShouldBe(4);
    }

    [Fact]
    public void Transaction_amounts_that_do_not_add_up_are_flagged()
    {
        var details = "<NtryDtls><TxDtls><Amt Ccy=\"EUR\">3.00</Amt></TxDtls><TxDtls><Amt Ccy=\"EUR\">6.00</Amt></TxDtls></NtryDtls>";
        var e = CamtTestFiles.ParseString(CamtTestFiles.Statement(CamtTestFiles.Entry("10.00", details: details))).Statements[0].Entries[0];
        e.Transactions.Select(t => t.AmountCents).ShouldBe([300L, 600L]);
        e.TransactionAmountsAddUp.ShouldBeFalse();
        CamtTestFiles.ParseSample("viafintech-valid_example.xml").Statements[0].Entries.ShouldAllBe(x => x.TransactionAmountsAddUp);
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
