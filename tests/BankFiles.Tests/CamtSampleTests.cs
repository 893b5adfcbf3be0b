using FlutHilfe.TestSupport;
using Shouldly;
using Xunit;

namespace FlutHilfe.BankFiles.Tests;

public class CamtSampleTests
{
    [Fact]
    public void Viafintech_v02_German_VR_bank()
    {
        var file = CamtTestFiles.ParseSample("viafintech-valid_example.xml");

        file.Version.ShouldBe("053.001.02");
        file.MessageId.ShouldBe("053D2013-12-27T22:05:03.0N130000005");
        var s = file.Statements.ShouldHaveSingleItem();
        s.StatementId.ShouldBe("0352C5320131227220503");
        s.AccountId.ShouldBe("DE14740618130000033626");
        s.AccountIdIsIban.ShouldBeTrue();
        s.Currency.ShouldBe("EUR");
        s.CreationDateTime.ShouldBe(new DateTimeOffset(2013, 12, 27, 22, 4, 52, TimeSpan.FromHours(1)));
        s.Balances.Select(b => (b.TypeCode, b.AmountCents, b.Currency, b.Date)).ShouldBe(
        [
            ("PRCD", 3306L, "EUR", new DateOnly(2013, 12, 27)),
            ("CLBD", 2306L, "EUR", new DateOnly(2013, 12, 27)),
        ]);
        s.Entries.Count.ShouldBe(4);
        s.Entries.Sum(e => e.SignedAmountCents).ShouldBe(2306L - 3306L);

        var e1 = s.Entries[0];
        e1.Position.ShouldBe(1);
        e1.AmountCents.ShouldBe(200);
        e1.Direction.ShouldBe(CreditDebit.Debit);
        e1.Reversal.ShouldBeFalse();
        e1.Status.ShouldBe("BOOK");
        e1.BookingDate.ShouldBe(new DateOnly(2013, 12, 27));
        e1.ValueDate.ShouldBe(new DateOnly(2013, 12, 27));
        e1.AccountServicerReference.ShouldBe("2013122710583450000");
        e1.EntryReference.ShouldBe("1234567890sdfghjk");
        e1.BankTransactionCode.ShouldBeNull(); // <BkTxCd/> is empty at entry level
        e1.AdditionalEntryInfo.ShouldStartWith("Überweisungs-Gutschrift");
        var t1 = e1.Transactions.ShouldHaveSingleItem();
        t1.AmountCents.ShouldBe(200);
        t1.IsSynthetic.ShouldBeFalse();
        t1.EndToEndId.ShouldBe("EndToEndReference");
        t1.MandateId.ShouldBe("MandateReference");
        t1.AccountServicerReference.ShouldBe("BankReference");
        t1.DebtorName.ShouldBe("Wayne Enterprises");
        t1.DebtorIban.ShouldBe("DE24302201900609832118");
        t1.CreditorName.ShouldBe("Testkonto Nummer 2");
        t1.CreditorIban.ShouldBe("DE09300606010012345671");
        t1.UnstructuredRemittance.ShouldBe("TEST BERWEISUNG MITTELS BLZUND KONTONUMMER - DTA");
        t1.BankTransactionCode.ShouldBe("NTRF+020");
        t1.AdditionalTransactionInfo.ShouldBe("AdditionalTransactionInformation");

        var t2 = s.Entries[1].Transactions.ShouldHaveSingleItem();
        s.Entries[1].AmountCents.ShouldBe(300);
        t2.EndToEndId.ShouldBeNull(); // NOTPROVIDED
        t2.DebtorName.ShouldBe("Testkonto Nummer 1");
        t2.UltimateDebtorName.ShouldBeNull(); // "keine Information vorhanden"
        t2.CreditorIban.ShouldBe("DE58740618130100033626");
        t2.BankTransactionCode.ShouldBe("NMSC+201");

        // Return booking: credit with a BBAN instead of an IBAN.
        var e3 = s.Entries[2];
        e3.Direction.ShouldBe(CreditDebit.Credit);
        e3.AmountCents.ShouldBe(100);
        var t3 = e3.Transactions.ShouldHaveSingleItem();
        t3.DebtorName.ShouldBe("Testkonto Nummer 2");
        t3.DebtorIban.ShouldBeNull();
        t3.DebtorAccountOther.ShouldBe("740618130100033626");
        t3.UnstructuredRemittance.ShouldBe("R CKBUCHUNG");
        t3.BankTransactionCode.ShouldBe("NMSC+051");

        // Debit batch of two with details: booked per TxDtls.
        var e4 = s.Entries[3];
        e4.AmountCents.ShouldBe(600);
        e4.BatchTransactionCount.ShouldBe(2);
        e4.IsBatchWithoutDetails.ShouldBeFalse();
        e4.Transactions.Select(t => (t.Position, t.AmountCents, t.EndToEndId)).ShouldBe(
        [
            (1, 350L, "STZV-EtE27122013-11:02-1"),
            (2, 250L, "STZV-EtE27122013-11:02-2"),
        ]);
        e4.Transactions.Sum(t => t.AmountCents).ShouldBe(e4.AmountCents);
        e4.Transactions[0].UnstructuredRemittance.ShouldBe("Sammelueberwseisung 2. Zahlung   TAN:283044");
        e4.Transactions[0].CreditorName.ShouldBe("Testkonto Nummer 1");
        e4.Transactions[0].CreditorIban.ShouldBe("DE14740618130000033626");
        e4.Transactions[0].DebtorIban.ShouldBe("DE58740618130100033626");
    }

    [Fact]
    public void Viafintech_v08_is_refused_by_default_because_the_account_is_in_CHF()
    {
        var ex = Should.Throw<CamtFormatException>(() => CamtTestFiles.ParseSample("viafintech-valid_example_v8.xml"));
        ex.ElementPath.ShouldBe("Document/BkToCstmrStmt/Stmt[1]/Acct/Ccy");
        ex.Reason.ShouldContain("CHF");
    }

    [Fact]
    public void Viafintech_v08_with_CHF_allowed()
    {
        var file = CamtTestFiles.ParseSample("viafintech-valid_example_v8.xml", CamtTestFiles.Allow("CHF", "EUR"));

        file.Version.ShouldBe("053.001.08");
        var s = file.Statements.ShouldHaveSingleItem();
        s.StatementId.ShouldBe("R30B4SA880HMZ9XA");
        s.AccountId.ShouldBe("CH1111111111111111111");
        s.Currency.ShouldBe("CHF");
        s.Balances.Select(b => (b.TypeCode, b.AmountCents)).ShouldBe([("OPBD", 8272195L), ("CLBD", 8451525L), ("CLAV", 8341525L)]);
        s.Entries.Select(e => (e.AmountCents, e.Currency, e.Direction)).ShouldBe(
        [
            (47440L, "CHF", CreditDebit.Credit),
            (8885L, "CHF", CreditDebit.Credit),
            (2097L, "EUR", CreditDebit.Debit),
        ]);

        var e1 = s.Entries[0];
        e1.Status.ShouldBe("BOOK"); // Sts/Cd
        e1.BookingDate.ShouldBe(new DateOnly(2023, 6, 20));
        e1.AccountServicerReference.ShouldBe("9999171ZC0173078");
        e1.BankTransactionCode.ShouldBe("PMNT/RCDT/AUTT");
        e1.ProprietaryBankTransactionCode.ShouldBe("Z04");
        var t1 = e1.Transactions.ShouldHaveSingleItem();
        t1.AmountCents.ShouldBe(47440); // "474.4"
        t1.AccountServicerReference.ShouldBe("9999181ZC0283079");
        t1.EndToEndId.ShouldBe("80000004540000100095");
        t1.DebtorName.ShouldBe("Jon Doe"); // Dbtr/Pty/Nm
        t1.DebtorIban.ShouldBeNull();
        t1.UnstructuredRemittance.ShouldBe("INVOICE R77561");

        var e2 = s.Entries[1];
        e2.EntryReference.ShouldBe("CH700033323323241701E");
        e2.BatchTransactionCount.ShouldBe(1);
        e2.IsBatchWithoutDetails.ShouldBeFalse();
        var t2 = e2.Transactions.ShouldHaveSingleItem();
        t2.StructuredReference.ShouldBe("RF38000000000000000000552");
        t2.StructuredReferenceType.ShouldBe("SCOR");
        t2.DebtorName.ShouldBe("Finanz AG");
        t2.EndToEndId.ShouldBe("435A9287E088BDB1D97FAABD181C70C8");

        var t3 = s.Entries[2].Transactions.ShouldHaveSingleItem();
        t3.AmountCents.ShouldBe(2097); // AmtDtls/TxAmt/Amt in EUR; the CHF InstdAmt is ignored
        t3.EndToEndId.ShouldBe("1208481");
        t3.CreditorName.ShouldBe("DHL Express (Schweiz) AG");
        t3.CreditorIban.ShouldBe("CH2222222222222222222");
        t3.StructuredReference.ShouldBe("000000270148751802165444888");
        t3.StructuredReferenceType.ShouldBe("QRR");
    }

    [Fact]
    public void Viafintech_batch_without_details_is_one_unmatched_item()
    {
        var file = CamtTestFiles.ParseSample("viafintech-valid_example_with_batch.xml");

        var s = file.Statements.ShouldHaveSingleItem();
        s.StatementId.ShouldBe("2019062434566666666666666");
        s.AccountId.ShouldBe("NL18INGB00012345678");
        s.Balances.Count.ShouldBe(6);
        s.Balances[0].ShouldBe(new CamtBalance("PRCD", 732980, "EUR", new DateOnly(2018, 12, 31)));
        s.Balances[2].ShouldBe(new CamtBalance("CLBD", 2303820, "EUR", new DateOnly(2019, 6, 23)));
        s.Entries.Count.ShouldBe(3);

        var batch = s.Entries[0];
        batch.AmountCents.ShouldBe(475374);
        batch.Direction.ShouldBe(CreditDebit.Debit);
        batch.IsBatchWithoutDetails.ShouldBeTrue();
        batch.BatchTransactionCount.ShouldBe(3);
        batch.Transactions.ShouldBeEmpty();
        batch.AccountServicerReference.ShouldBe("68047a4871ab34285b5555555502010c");
        batch.BankTransactionCode.ShouldBe("PMNT/ICDT/ESCT");
        batch.ProprietaryBankTransactionCode.ShouldBe("00200");

        var credit = s.Entries[1];
        credit.AmountCents.ShouldBe(268800);
        credit.BookingDate.ShouldBe(new DateOnly(2019, 6, 13));
        var t = credit.Transactions.ShouldHaveSingleItem();
        t.AmountCents.ShouldBe(268800); // no amount in TxDtls: the single transaction takes the entry amount
        t.EndToEndId.ShouldBe("GBSXX21170607391766562");
        t.DebtorName.ShouldBe("TEST");
        t.DebtorIban.ShouldBe("NL86INGB00066666666");
        t.UnstructuredRemittance.ShouldBe("TERUGGAAF");

        var plain = s.Entries[2].Transactions.ShouldHaveSingleItem();
        s.Entries[2].AmountCents.ShouldBe(500000);
        plain.DebtorName.ShouldBe("Bedrijf BV");
        plain.DebtorIban.ShouldBe("NL11INGB0001234567");
        plain.EndToEndId.ShouldBeNull();
        plain.UnstructuredRemittance.ShouldBeNull();

        var keyed = CamtKeys.ForFile(file);
        keyed.Count.ShouldBe(3);
        keyed[0].Transaction.ShouldBeNull();
        keyed[0].Entry.ShouldBeSameAs(batch);
    }

    [Fact]
    public void Viafintech_datetime_v10_in_USD_is_refused_by_default()
    {
        var ex = Should.Throw<CamtFormatException>(() => CamtTestFiles.ParseSample("viafintech-valid_example_with_datetime.xml"));
        ex.ElementPath.ShouldBe("Document/BkToCstmrStmt/Stmt[1]/Acct/Ccy");
        ex.Reason.ShouldContain("USD");
    }

    [Fact]
    public void Viafintech_datetime_v10_dates_as_DtTm_and_an_entry_without_details()
    {
        var file = CamtTestFiles.ParseSample("viafintech-valid_example_with_datetime.xml", CamtTestFiles.Allow("USD"));

        file.Version.ShouldBe("053.001.10");
        file.CreationDateTime.ShouldBe(new DateTimeOffset(2023, 7, 6, 10, 27, 7, TimeSpan.Zero).AddTicks(2132946)); // 9 fraction digits truncated to 7
        var s = file.Statements.ShouldHaveSingleItem();
        s.StatementId.ShouldBe("7301750-38631543-1688639227213");
        s.AccountId.ShouldBe("11111111");
        s.AccountIdIsIban.ShouldBeFalse();
        s.Balances.ShouldHaveSingleItem().ShouldBe(new CamtBalance("CLBD", 60680, "USD", new DateOnly(2023, 7, 7)));

        var e = s.Entries.ShouldHaveSingleItem();
        e.AmountCents.ShouldBe(19586);
        e.Direction.ShouldBe(CreditDebit.Credit);
        e.Status.ShouldBe("BOOK");
        e.BookingDate.ShouldBe(new DateOnly(2023, 6, 21));
        e.ValueDate.ShouldBeNull();
        e.EntryReference.ShouldBe("Test Buchung");
        e.BankTransactionCode.ShouldBe("TRANSFER-123456789");
        e.IsBatchWithoutDetails.ShouldBeFalse();
        var t = e.Transactions.ShouldHaveSingleItem();
        t.IsSynthetic.ShouldBeTrue();
        t.Position.ShouldBe(1);
        t.AmountCents.ShouldBe(19586);
        t.EndToEndId.ShouldBeNull();
        t.DebtorName.ShouldBeNull();
    }

    [Fact]
    public void Genkgo_v02_minimal()
    {
        var file = CamtTestFiles.ParseSample("genkgo-camt053.v2.minimal.xml");

        file.Version.ShouldBe("053.001.02");
        var s = file.Statements.ShouldHaveSingleItem();
        s.StatementId.ShouldBe("253EURNL26VAYB8060476890");
        s.AccountId.ShouldBe("NL26VAYB8060476890");
        // Balances keep their own currency (the fixture mixes SEK, CHF, JPY); signed by CdtDbtInd.
        s.Balances.Select(b => (b.TypeCode, b.AmountCents, b.Currency)).ShouldBe(
        [
            ("OPBD", 1815L, "EUR"),
            ("CLBD", -2700L, "SEK"),
            ("OPAV", 3500L, "CHF"),
            ("CLAV", -270000L, "JPY"),
        ]);
        var e = s.Entries.ShouldHaveSingleItem();
        e.AmountCents.ShouldBe(885);
        e.Direction.ShouldBe(CreditDebit.Credit);
        e.Reversal.ShouldBeFalse();
        e.BookingDate.ShouldBe(new DateOnly(2014, 12, 31));
        e.ValueDate.ShouldBe(new DateOnly(2015, 1, 2));
        e.BankTransactionCode.ShouldBe("544");
        e.AccountServicerReference.ShouldBeNull();
        var t = e.Transactions.ShouldHaveSingleItem();
        t.AmountCents.ShouldBe(885);
        t.EndToEndId.ShouldBeNull();
        t.DebtorName.ShouldBe("NAME NAME");
        t.DebtorIban.ShouldBe("NL56AGDH9619008421");
        t.CreditorName.ShouldBe("Company Name");
        t.StructuredReference.ShouldBe("4654654654654654");
        t.StructuredReferenceType.ShouldBe("SCOR");
    }

    [Fact]
    public void Genkgo_v02_two_statements()
    {
        var file = CamtTestFiles.ParseSample("genkgo-camt053.v2.multi.statement.xml");

        file.Statements.Select(s => (s.Position, s.StatementId, s.Entries.Count)).ShouldBe(
        [
            (1, "253EURNL26VAYB8060476890", 1),
            (2, "254EURNL26VAYB8060476890", 1),
        ]);
        var credit = file.Statements[0].Entries[0];
        credit.SignedAmountCents.ShouldBe(885);
        credit.Transactions[0].EndToEndId.ShouldBe("000000001");
        credit.Transactions[0].CreditorName.ShouldBe("Company Name 1");
        credit.Transactions[0].UnstructuredRemittance.ShouldBe("Transaction Description 1");

        var debit = file.Statements[1].Entries[0];
        debit.SignedAmountCents.ShouldBe(-700);
        debit.Transactions[0].EndToEndId.ShouldBe("000000002");
        debit.Transactions[0].CreditorName.ShouldBe("Company Name 2");
        debit.Transactions[0].CreditorIban.ShouldBe("NL56AGDH9619008421");
        debit.Transactions[0].UnstructuredRemittance.ShouldBe("Transaction Description 2");
        file.Statements[1].Balances.Select(b => b.AmountCents).ShouldBe([2700L, 2000L]);
        file.Statements[1].Balances[1].AmountCents.ShouldBe(file.Statements[1].Balances[0].AmountCents + debit.SignedAmountCents);
    }

    [Fact]
    public void Genkgo_v04_account_by_Othr_and_foreign_zero_tx_amount_ignored()
    {
        var file = CamtTestFiles.ParseSample("genkgo-camt053.v4.xml");

        file.Version.ShouldBe("053.001.04");
        var s = file.Statements.ShouldHaveSingleItem();
        s.AccountId.ShouldBe("NL26VAYB8060476890");
        s.AccountIdIsIban.ShouldBeFalse();
        s.Currency.ShouldBeNull();
        var e = s.Entries.ShouldHaveSingleItem();
        e.AmountCents.ShouldBe(885);
        e.AccountServicerReference.ShouldBe("AAAASESS-FP-CN_98765/01");
        e.BankTransactionCode.ShouldBe("PAYM/0001/0005");
        var t = e.Transactions.ShouldHaveSingleItem();
        t.AmountCents.ShouldBe(885); // TxDtls/Amt is "0" SEK: not in the entry currency → entry amount
        t.StructuredReference.ShouldBe("4654654654654654");
        t.DebtorIban.ShouldBe("NL56AGDH9619008421");
        t.DebtorName.ShouldBe("NAME NAME");
    }

    [Fact]
    public void Genkgo_v08_booking_date_from_DtTm()
    {
        var file = CamtTestFiles.ParseSample("genkgo-camt053.v8.xml");

        file.Version.ShouldBe("053.001.08");
        var e = file.Statements.ShouldHaveSingleItem().Entries.ShouldHaveSingleItem();
        e.BookingDate.ShouldBe(new DateOnly(2014, 12, 31)); // 2014-12-31T13:15:00+01:00
        e.ValueDate.ShouldBe(new DateOnly(2015, 1, 2));
        e.Status.ShouldBe("BOOK");
        e.BankTransactionCode.ShouldBe("PMNT/RCDT/BOOK");
        var t = e.Transactions.ShouldHaveSingleItem();
        t.AmountCents.ShouldBe(885);
        t.EndToEndId.ShouldBe("MUELL/FINP/RA12345");
        t.DebtorName.ShouldBe("NAME NAME"); // Dbtr/Pty/Nm
        t.CreditorName.ShouldBe("Company Name");
        t.StructuredReference.ShouldBe("4654654654654654");
    }

    [Fact]
    public void Genkgo_wrong_is_refused_with_a_clear_error()
    {
        var ex = Should.Throw<CamtFormatException>(() => CamtTestFiles.ParseSample("genkgo-camt053.v2.wrong.xml"));
        ex.ElementPath.ShouldBe("Document/BkToCstmrStmt/Stmt");
        ex.Message.ShouldContain("no statement");
    }

    [Theory]
    [InlineData("viafintech-valid_example.xml", 1, 4, 5)]
    [InlineData("viafintech-valid_example_v8.xml", 1, 3, 3)]
    [InlineData("viafintech-valid_example_with_batch.xml", 1, 3, 3)]
    [InlineData("viafintech-valid_example_with_datetime.xml", 1, 1, 1)]
    [InlineData("genkgo-camt053.v2.minimal.xml", 1, 1, 1)]
    [InlineData("genkgo-camt053.v2.multi.statement.xml", 2, 2, 2)]
    [InlineData("genkgo-camt053.v4.xml", 1, 1, 1)]
    [InlineData("genkgo-camt053.v8.xml", 1, 1, 1)]
    public void Every_sample_parses_and_keys_are_unique_and_stable(string fileName, int statements, int entries, int bookableItems)
    {
        var options = CamtTestFiles.Allow("EUR", "CHF", "USD");
        var file = CamtTestFiles.ParseSample(fileName, options);
        file.Statements.Count.ShouldBe(statements);
        file.Statements.Sum(s => s.Entries.Count).ShouldBe(entries);

        var keys = CamtKeys.ForFile(file);
        keys.Count.ShouldBe(bookableItems);
        keys.Select(k => k.Key).Distinct().Count().ShouldBe(bookableItems);
        keys.ShouldAllBe(k => k.Key.Length == 64 && k.Occurrence == 1);

        var again = CamtKeys.ForFile(CamtTestFiles.ParseSample(fileName, options));
        again.Select(k => k.Key).ShouldBe(keys.Select(k => k.Key));
    }

    [Fact]
    public void Samples_folder_is_found()
    {
        Directory.GetFiles(CamtTestFiles.SamplesDirectory, "*.xml").Length.ShouldBeGreaterThanOrEqualTo(9);
    }
}
