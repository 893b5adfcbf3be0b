using FlutHilfe.Api.Donations.Pledging;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;

namespace FlutHilfe.Api.Receipts;

public sealed record RequestReceiptBody(DonorInput? Donor);

/// <remarks>DueOn: When a partly paid pledge's receipt is issued at the latest (unless the rest arrives before).</remarks>
public sealed record ReceiptRequestAccepted(Guid DonationId, string Status, string? ReceiptNumber, DateOnly? DueOn = null);

public static class RequestReceiptEndpoint
{
    [WolverinePost("/api/donations/{donationId}/receipt", OperationId = "requestReceipt")]
    [AllowAnonymous]
    [EndpointSummary("Ask for a donation receipt later, giving the postal address if not yet known (needs the donor link's token)")]
    [ProducesResponseType<ReceiptRequestAccepted>(202)]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid donationId, string? token, RequestReceiptBody body, IDocumentSession session, ReceiptSettings settings,
        TimeProvider clock, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Donation>(donationId, ct);
        var donation = stream.Aggregate;
        if (donation is null || !DonorToken.Matches(token, donation.DonorTokenHash)) throw DomainException.NotFound("No such donation.");
        if (donation.ReceiptNumber is { } existing && ReceiptCoverage.Open(donation).Count == 0)
            return (Results.Ok(new ReceiptRequestAccepted(donationId, "issued", existing)), []);

        var now = clock.GetUtcNow();
        var profile = donation.DonorId is { } id ? await DonorProfiles.LoadAsync(session, id, ct) : null;
        if (body.Donor is not null)
        {
            var given = new PledgeRequest(1, null, body.Donor, true).ToDonorProfile(profile?.Id ?? Guid.CreateVersion7(now), now)!;
            // Keep what the donor said before unless they say it anew.
            profile = profile is null ? given : given with { Email = given.Email ?? profile.Email };
            await DonorProfiles.StoreAsync(session, profile, ct);
        }
        if (profile is not { HasPostalAddress: true })
            throw DomainException.Invalid("donor", "A donation receipt needs the donor's name and postal address (street, postal code, city).");

        var requested = new ReceiptRequested(donationId, profile.Id, now);
        if (!donation.ReceiptWanted || donation.DonorId != profile.Id) stream.AppendOne(requested);
        var after = donation.Apply(requested);
        // The handler applies the same rule: issue now, or when the pledge is paid or its grace period ends.
        var due = ReceiptPolicy.Due(after, ReceiptIssuing.Today(clock), settings.PartialPaymentGraceDays);
        var status = due.Now.Count > 0 ? "issuing" : due.WaitUntil is not null ? "waiting for further payments" : "waiting for payment";
        OutgoingMessages messages = ReceiptCoverage.Open(after).Count > 0 ? [new IssueReceipt(donationId)] : [];
        return (Results.Accepted($"/api/donations/{donationId}", new ReceiptRequestAccepted(donationId, status, null, due.WaitUntil)), messages);
    }
}
