using FlutHilfe.Api.Donations.Pledging;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Appeals.Closing;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Shared;
using Wolverine.Marten;
using static FlutHilfe.Api.Tests.Support.HandlerSamples;

namespace FlutHilfe.Api.Tests.Donations;

/// <summary>
/// The pledge handler as a plain function: the appeal comes in through <c>[ReadAggregate]</c>; the new donation's stream
/// and the donor's profile (personal data, never in the event log) are returned as values for one commit.
/// </summary>
public class PledgeDonationHandlerTests
{
    [Fact]
    public void a_pledge_starts_the_donations_stream_and_stores_the_donor_beside_it()
    {
        var command = Pledge(5_000, Erika, receiptWanted: true);

        var (start, donor, pledged) = PledgeDonationHandler.Handle(command, Appeal());

        start.StreamId.ShouldBe(command.DonationId);
        var fact = start.Events.ShouldHaveSingleItem().ShouldBeOfType<DonationPledged>();
        (fact.Amount, fact.DonorId, fact.ReceiptWanted).ShouldBe((new Money(5_000), (Guid?)Erika.Id, true));
        donor.ShouldNotBeOfType<NoOp>();
        (pledged.Donation.Id, pledged.Donation.Status, pledged.Appeal.AppealId).ShouldBe((command.DonationId, DonationStatus.Pledged, AppealId));
    }

    [Fact]
    public void an_anonymous_pledge_stores_no_donor()
        => PledgeDonationHandler.Handle(Pledge(2_500), Appeal()).Item2.ShouldBeOfType<NoOp>();

    [Fact]
    public void a_closed_or_unknown_appeal_takes_no_pledge()
    {
        var closed = AppealDecider.Evolve(Appeal(), new AppealClosed(AppealId, "Ende", Now));
        Should.Throw<DomainException>(() => PledgeDonationHandler.Handle(Pledge(2_500), closed)).Kind.ShouldBe(RefusalKind.Conflict);
        Should.Throw<DomainException>(() => PledgeDonationHandler.Handle(Pledge(2_500), null)).Kind.ShouldBe(RefusalKind.NotFound);
    }
}
