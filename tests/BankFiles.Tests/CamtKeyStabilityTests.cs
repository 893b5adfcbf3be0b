using System.Text;
using Shouldly;
using Xunit;

namespace FlutHilfe.BankFiles.Tests;

/// <summary>
/// Payment ids derive from the transaction keys and are stored for ten years: a statement imported again by any later
/// build must yield the very same keys, or its bookings would be counted twice. The statement is written out here, not
/// generated, so that nothing but <see cref="CamtKeys"/> can move these values; a new key scheme needs a new
/// <see cref="CamtKeys.Scheme"/> and a migration of the stored keys, never a silent change.
/// </summary>
public class CamtKeyStabilityTests
{
    private const string Statement = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
          <BkToCstmrStmt>
            <GrpHdr><MsgId>PIN-1</MsgId><CreDtTm>2021-11-23T06:00:00+01:00</CreDtTm></GrpHdr>
            <Stmt>
              <Id>PIN-226</Id>
              <Acct><Id><IBAN>de02 1203 0000 0000 2020 51</IBAN></Id><Ccy>EUR</Ccy></Acct>
              <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2021-11-21</Dt></Dt></Bal>
              <Ntry>
                <Amt Ccy="EUR">123.45</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
                <BookgDt><Dt>2021-11-22</Dt></BookgDt><ValDt><Dt>2021-11-22</Dt></ValDt><AcctSvcrRef>ASR-0001</AcctSvcrRef>
                <NtryDtls><TxDtls>
                  <Refs><AcctSvcrRef>TX-ASR-0001</AcctSvcrRef><EndToEndId>E2E-Müller-1</EndToEndId><MndtId>M-7</MndtId></Refs>
                  <Amt Ccy="EUR">123.45</Amt>
                  <RltdPties><Dbtr><Pty><Nm>Jörg Müller</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>DE89 3704 0044 0532 0130 00</IBAN></Id></DbtrAcct></RltdPties>
                  <RmtInf><Ustrd>Spende   Flut
                    Stolberg</Ustrd><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>
                </TxDtls></NtryDtls>
              </Ntry>
              <Ntry>
                <Amt Ccy="EUR">20.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2021-11-22</Dt></BookgDt>
              </Ntry>
              <Ntry>
                <Amt Ccy="EUR">20.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2021-11-22</Dt></BookgDt>
              </Ntry>
            </Stmt>
          </BkToCstmrStmt>
        </Document>
        """;

    [Fact]
    public void keys_of_a_stored_statement_never_change()
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(Statement));
        var keyed = CamtKeys.ForFile(CamtParser.Parse(input));

        keyed.Select(k => k.Key).ShouldBe(
        [
            "8aaac51db9e1bd3333be8bddc0be7d7d929ace5ce62bf1e7fcebf05a0c5d937a",
            "5289ce0fd69ec0ebb97f2baf4b96111b2fe5f30702e6e7f778c12994d0ef4ff8",
            "f744cd2a1e80c7321cd747de553c1327ebdbf40ffdd0ba5493f0b5000ec55ab0",
        ]);
        keyed.Select(k => k.Occurrence).ShouldBe([1, 1, 2], "two indistinguishable bookings in one statement");
        Recording.PaymentIdFor(keyed[0].Key).ShouldBe(Guid.Parse("30a7b994-fbc2-5162-9440-202e473cfdf3"), "the payment stream id the books hold");
        CamtKeys.Scheme.ShouldBe("camt-key-v1");
    }
}
