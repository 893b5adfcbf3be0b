using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;
using static FlutHilfe.Domain.Tests.Support.PaymentSamples;

namespace FlutHilfe.Domain.Tests.Payments;

/// <summary>Proposals for a waiting payment: IBAN and name seen before, then amount, then date; each with its reasons.</summary>
public class ProposingSpecs
{
    private static Donation Pledged(long cents, int daysBefore, Guid? donor = null)
        => Fold(Pledge(cents, at: new DateTimeOffset(Day.AddDays(-daysBefore).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), donorId: donor));

    [Fact]
    public void the_payer_seen_before_ranks_above_a_pledge_of_the_same_amount_which_ranks_above_the_date()
    {
        var donor = Guid.CreateVersion7();
        var pledge = Pledged(5000, 10, donor);
        var partlyPaid = pledge.After(PaymentSamples.Match(Bank(3000), pledge, MatchMethod.Treasurer, null, Samples.Now));
        var sameDonorOther = Pledged(1000, 3, donor);
        var sameAmountRecent = Pledged(2000, 1);
        var sameAmountOlder = Pledged(2000, 30);
        var unrelated = Pledged(7000, 0);
        var history = new[] { new PayerHistoryItem(partlyPaid.Id, donor, SameIban: true, SameName: false) };

        var ranked = Proposing.Rank(Bank(2000), [unrelated, sameAmountOlder, sameAmountRecent, sameDonorOther, partlyPaid], history);

        ranked.Select(p => p.Donation.Id).ShouldBe([partlyPaid.Id, sameDonorOther.Id, sameAmountRecent.Id, sameAmountOlder.Id]);
        ranked[0].Reasons.ShouldBe([ProposalReason.PayerIbanSeenBefore, ProposalReason.AmountEqualsOutstanding]);
        ranked[1].Reasons.ShouldBe([ProposalReason.PayerIbanSeenBefore]);
        ranked[2].Reasons.ShouldBe([ProposalReason.AmountEqualsOutstanding]);
        (ranked[2].DaysApart, ranked[3].DaysApart).ShouldBe((1, 30));
    }

    [Fact]
    public void the_iban_ranks_above_the_name_and_pledges_named_in_the_transfer_above_all()
    {
        var byName = Pledged(5000, 2);
        var byIban = Pledged(5000, 2);
        var named = Pledged(9000, 20);
        var history = new[] { new PayerHistoryItem(byName.Id, null, false, true), new PayerHistoryItem(byIban.Id, null, true, false) };
        var ranked = Proposing.Rank(Bank(4000, named: [named.Reference]), [byName, byIban, named], history);
        ranked.Select(p => p.Donation.Id).ShouldBe([named.Id, byIban.Id, byName.Id]);
        ranked[0].Reasons.ShouldBe([ProposalReason.NamedInTransfer]);
    }

    [Fact]
    public void paid_donations_another_appeal_and_mere_date_neighbours_are_not_proposed_and_the_list_is_bounded()
    {
        var paid = Pledged(2000, 1);
        paid = paid.After(PaymentSamples.Match(Bank(2000), paid, MatchMethod.Treasurer, null, Samples.Now));
        var otherAppeal = Pledged(2000, 1) with { AppealId = "andere-aktion" };
        var neighbour = Pledged(3333, 0);
        Proposing.Rank(Bank(2000), [paid, otherAppeal, neighbour], []).ShouldBeEmpty();

        var many = Enumerable.Range(0, 12).Select(i => Pledged(2000, i)).ToList();
        Proposing.Rank(Bank(2000), many, []).Count.ShouldBe(Proposing.ProposalsMax);
    }

    [Fact]
    public void a_return_is_proposed_donations_that_received_its_amount()
    {
        var donation = Pledged(5000, 5);
        var paid = donation.After(PaymentSamples.Match(Bank(3000), donation, MatchMethod.Treasurer, null, Samples.Now));
        var pledgedOnly = Pledged(3000, 5);
        var ranked = Proposing.Rank(Bank(3000, PaymentKind.Return), [pledgedOnly, paid], []);
        ranked.ShouldHaveSingleItem().Donation.Id.ShouldBe(paid.Id);
        ranked[0].Reasons.ShouldBe([ProposalReason.AmountEqualsEarlierPayment]);
    }
}
