using FlutHilfe.Domain.BankStatements.Importing;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;
using static FlutHilfe.Domain.Tests.Support.PaymentSamples;

namespace FlutHilfe.Domain.Tests.Payments;

/// <summary>Returns recognised by their bank transaction code, and matched to the payment they give back.</summary>
public class ReturnSpecs
{
    private static (CamtEntry, CamtTransaction) Booking(CreditDebit direction, string? domain = null, string? prtry = null, string? issuer = "DK",
        bool reversal = false, bool rtrInf = false, string? reason = null, bool codesOnTransaction = false)
    {
        var tx = new CamtTransaction(1, 100, false, null, null, null, null, null, null, null, null, null, null, null, null, reason,
            codesOnTransaction ? domain ?? prtry : null, null, null,
            codesOnTransaction ? prtry : null, codesOnTransaction ? issuer : null, rtrInf);
        var entry = new CamtEntry(1, 100, "EUR", direction, reversal, "BOOK", Day, Day, null, null,
            codesOnTransaction ? null : domain ?? prtry, codesOnTransaction ? null : prtry, null, [tx], false, null, codesOnTransaction ? null : issuer);
        return (entry, tx);
    }

    public static TheoryData<string, CreditDebit, string?, string?, string?, PaymentKind> Codes => new()
    {
        // ISO: a received credit transfer given back leaves as a return; a transfer of ours coming back is no donation.
        { "ISO RCDT/RRTN debit", CreditDebit.Debit, "PMNT/RCDT/RRTN", null, null, PaymentKind.Return },
        { "ISO ICDT/RRTN credit", CreditDebit.Credit, "PMNT/ICDT/RRTN", null, null, PaymentKind.ReturnedTransfer },
        { "ISO recall", CreditDebit.Debit, "PMNT/RCDT/RPCR", null, null, PaymentKind.Return },
        { "ISO ordinary credit", CreditDebit.Credit, "PMNT/RCDT/ESCT", null, null, PaymentKind.Credit },
        { "ISO ordinary debit", CreditDebit.Debit, "PMNT/ICDT/ESCT", null, null, PaymentKind.Debit },
        // DK: returned item (RTI) whatever the GVC, and the return GVCs 159, 108, 109.
        { "DK NRTI+159 credit", CreditDebit.Credit, null, "NRTI+159+00931", "DK", PaymentKind.ReturnedTransfer },
        { "DK NMSC+109 debit", CreditDebit.Debit, null, "NMSC+109+00931", "DK", PaymentKind.Return },
        { "DK NMSC+108 debit", CreditDebit.Debit, null, "NMSC+108", "DK", PaymentKind.Return },
        { "DK NRTI+116 debit", CreditDebit.Debit, null, "NRTI+116+00931", "DK", PaymentKind.Return },
        { "older ZKA issuer", CreditDebit.Debit, null, "NMSC+109", "ZKA", PaymentKind.Return },
        { "no issuer, DK shape", CreditDebit.Debit, null, "NMSC+159", null, PaymentKind.Return },
        { "DK transfer credit", CreditDebit.Credit, null, "NTRF+166+00931", "DK", PaymentKind.Credit },
        { "DK fee", CreditDebit.Debit, null, "NCHG+805", "DK", PaymentKind.Debit },
        // Another issuer's numbers mean something else.
        { "foreign issuer", CreditDebit.Debit, null, "NMSC+109", "BANKXY", PaymentKind.Debit },
    };

    [Theory]
    [MemberData(nameof(Codes))]
    public void returns_are_recognised_by_their_bank_transaction_code_alone(string name, CreditDebit direction, string? domain, string? prtry, string? issuer, PaymentKind expected)
    {
        var (entry, tx) = Booking(direction, domain, prtry, issuer);
        Recording.Classify(entry, tx).ShouldBe(expected, name);
        var (onTx, tx2) = Booking(direction, domain, prtry, issuer, codesOnTransaction: true);
        Recording.Classify(onTx, tx2).ShouldBe(expected, name + " (code on the transaction)");
    }

    [Fact]
    public void returns_are_also_recognised_by_return_information_or_the_reversal_flag()
    {
        var (rtr, rtrTx) = Booking(CreditDebit.Debit, rtrInf: true);
        (Recording.Classify(rtr, rtrTx), ReturnCodes.Signal(rtr, rtrTx)).ShouldBe((PaymentKind.Return, ReturnSignals.ReturnInformation));
        var (rvsl, rvslTx) = Booking(CreditDebit.Debit, reversal: true);
        (Recording.Classify(rvsl, rvslTx), ReturnCodes.Signal(rvsl, rvslTx)).ShouldBe((PaymentKind.Return, ReturnSignals.ReversalIndicator));
        var (reversedDebit, reversedTx) = Booking(CreditDebit.Credit, reversal: true);
        Recording.Classify(reversedDebit, reversedTx).ShouldBe(PaymentKind.ReturnedTransfer);
    }

    private static (Payment Payment, Donation Donation) MatchedCredit(long cents, string? endToEnd = null, long pledged = 5000)
    {
        var donation = Fold(Pledge(pledged));
        var payment = Bank(cents, endToEnd: endToEnd);
        var outcome = PaymentSamples.Match(payment, donation, MatchMethod.StructuredReference, null, Samples.Now);
        return (payment.After(outcome), donation.After(outcome));
    }

    private static PayerDetails Payer(Payment p, string? name, string? iban) => PayerDetails.Capped(p.Id, name, iban, null, null);

    [Fact]
    public void a_return_finds_the_payment_it_gives_back_by_end_to_end_id_first()
    {
        var (original, _) = MatchedCredit(3000, "E2E-1");
        var (other, _) = MatchedCredit(3000, "E2E-2");
        var ret = Bank(3000, PaymentKind.Return, endToEnd: "E2E-1", day: Day.AddDays(2));
        ReturnMatching.ByEndToEndId(ret, [new(other, null), new(original, null)]).ShouldBe((original, MatchMethod.OriginalPaymentByEndToEndId));
        // A return booked before the payment cannot give it back.
        ReturnMatching.ByEndToEndId(ret with { BookingDate = Day.AddDays(-1) }, [new(original, null)]).ShouldBeNull();
    }

    [Fact]
    public void without_end_to_end_id_the_amount_and_the_payer_iban_or_name_decide_and_only_one_candidate_counts()
    {
        var (a, _) = MatchedCredit(3000);
        var (b, _) = MatchedCredit(3000);
        var (c, _) = MatchedCredit(2000);
        var earlier = new List<EarlierPayment>
        {
            new(a, Payer(a, "Jürgen Müller", "DE02120300000000202051")),
            new(b, Payer(b, "Erika Mustermann", "DE44500105175407324931")),
            new(c, Payer(c, "Jürgen Müller", "DE02120300000000202051")),
        };
        var ret = Bank(3000, PaymentKind.Return);
        ReturnMatching.ByPayer(ret, Payer(ret, "Mueller Juergen", "DE02120300000000202051"), earlier).ShouldBe((a, MatchMethod.OriginalPaymentByPayerIban));
        ReturnMatching.ByPayer(ret, Payer(ret, "MUELLER, JUERGEN", null), earlier).ShouldBe((a, MatchMethod.OriginalPaymentByPayerName));
        // Two payments of the amount from the same IBAN: the treasurer decides.
        var twice = earlier.Append(new(MatchedCredit(3000).Payment, Payer(a, null, "DE02120300000000202051"))).ToList();
        ReturnMatching.ByPayer(ret, Payer(ret, null, "DE02120300000000202051"), twice).ShouldBeNull();
        ReturnMatching.ByPayer(ret, Payer(ret, "Max Unbekannt", "DE68210501700012345678"), earlier).ShouldBeNull();
    }

    [Fact]
    public void a_return_takes_the_money_back_from_the_donation_of_the_original()
    {
        var (original, donation) = MatchedCredit(3000, "E2E-1");
        var ret = Bank(3000, PaymentKind.Return, endToEnd: "E2E-1", returnReason: "FOCR");
        var outcome = ReturnMatching.GiveBack(ret, original, new Dictionary<Guid, Donation> { [donation.Id] = donation }, MatchMethod.OriginalPaymentByEndToEndId, "import", Samples.Now);
        outcome.PaymentEvents.ShouldHaveSingleItem().ShouldBeOfType<PaymentMatched>().ReturnOf.ShouldBe(original.Id);
        donation.After(outcome).Status.ShouldBe(DonationStatus.Returned);
    }
}
