using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace FlutHilfe.Api.Donations.Pledging;

public sealed record PledgeResponse(
    Guid DonationId,
    string Status,
    string Reference,
    string ReferencePrint,
    long AmountCents,
    IReadOnlyList<EarmarkView> Earmarks,
    PaymentInstructions Payment,
    string EpcPayload,
    string QrPngUrl,
    string QrSvgUrl,
    string DonorUrl);

public sealed record EarmarkView(string? MunicipalityId, string? MunicipalityName, string? PurposeId, string? PurposeName, long AmountCents)
{
    public static IReadOnlyList<EarmarkView> For(Appeal appeal, IEnumerable<Earmark> earmarks) => earmarks.Select(e => new EarmarkView(
        e.MunicipalityId, e.MunicipalityId is null ? null : appeal.FindMunicipality(e.MunicipalityId)?.Name,
        e.PurposeId, e.PurposeId is null ? null : appeal.FindPurpose(e.PurposeId)?.Name,
        e.Amount.Cents)).ToList();
}

public static class PledgeEndpoint
{
    [WolverinePost("/api/appeals/{appealId}/donations", OperationId = "pledgeDonation")]
    [AllowAnonymous]
    [EnableRateLimiting(RateLimiting.Pledges)]
    [EndpointSummary("Pledge a donation and get payment instructions with an EPC QR code (public)")]
    [ProducesResponseType<PledgeResponse>(201)]
    [ProducesResponseType<ProblemDetails>(404)]
    [ProducesResponseType<ProblemDetails>(409)]
    [ProducesResponseType<ProblemDetails>(422)]
    [ProducesResponseType<ProblemDetails>(429)]
    public static async Task<IResult> Post(string appealId, PledgeRequest request, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var appeal = await Appeals.AppealLookup.LoadAsync(session, appealId, ct);

        var now = clock.GetUtcNow();
        var donationId = Guid.CreateVersion7(now);
        var profile = request.ToDonorProfile(Guid.CreateVersion7(now), now);
        var command = new PledgeDonation(appeal.Slug, request.Amount, request.ToEarmarks(), request.ReceiptWanted, profile?.HasPostalAddress ?? false);
        var (token, tokenHash) = DonorToken.New();

        var events = PledgingDecision.Decide(command, appeal, donationId, PaymentReference.New(), profile?.Id, tokenHash, now);
        session.Events.StartStream<Donation>(donationId, events);
        if (profile is not null) Infrastructure.PersonalData.DonorProfiles.StoreNew(session, profile);

        var donation = Donation.Create((DonationPledged)events[0]);
        var query = "?token=" + Uri.EscapeDataString(token);
        return Results.Created($"/api/donations/{donationId}", new PledgeResponse(
            donationId,
            "pledged",
            donation.Reference,
            CreditorReference.Parse(donation.Reference).ToPrintString(),
            donation.Pledged.Cents,
            EarmarkView.For(appeal, donation.Earmarks),
            PaymentInstructions.For(appeal, donation),
            PaymentInstructions.EpcPayload(appeal, donation),
            $"/api/donations/{donationId}/qr.png{query}",
            $"/api/donations/{donationId}/qr.svg{query}",
            $"/api/donations/{donationId}{query}"));
    }
}
