using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;
using static FlutHilfe.Domain.Tests.Support.PaymentSamples;

namespace FlutHilfe.Domain.Tests.Payments;

/// <summary>Returns matched to the payment they give back (how a return is recognised in a bank file: BankFiles.Tests).</summary>
public class ReturnSpecs
{
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
