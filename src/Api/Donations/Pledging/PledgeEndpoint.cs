using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

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

/// <summary>A pledge as decided: the donation and the appeal it was made to.</summary>
public sealed record Pledged(Donation Donation, Appeal Appeal);

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
    public static async Task<IResult> Post(string appealId, PledgeRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var donationId = Guid.CreateVersion7(now);
        // The token is shown only in this answer; the donation keeps its hash.
        var (token, tokenHash) = DonorToken.New();
        var id = Appeals.AppealLookup.Require(appealId);
        var donor = request.ToDonorProfile(Guid.CreateVersion7(now), now);
        var command = new PledgeDonation(donationId, id, request.Amount, request.ToEarmarks(), request.ReceiptWanted, donor, PaymentReference.New(), tokenHash, now);
        var (donation, appeal) = await bus.InvokeAsync<Pledged>(command, ct);

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

/// <summary>Starts the donation's stream and stores the donor's profile in the personal-data store, in one transaction.</summary>
public static class PledgeDonationHandler
{
    public static (IStartStream, IMartenOp, Pledged) Handle(PledgeDonation command,
        [ReadAggregate(nameof(PledgeDonation.AppealStreamId), Required = false)] Appeal? appeal)
    {
        var (events, donation) = DonationDecider.Decide(command, appeal).WithStateAfter((Donation?)null, DonationDecider.Evolve);
        return (MartenOps.StartStream<Donation>(command.DonationId, [.. events]), DonorProfiles.New(command.Donor), new Pledged(donation, appeal!));
    }
}
