using FlutHilfe.Api.Donations.Pledging;
using FlutHilfe.Api.Donations.Viewing;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Api.Receipts.Issuing;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.Receipts.Requesting;

public sealed record RequestReceiptBody(DonorInput? Donor);

/// <remarks>DueOn: When a partly paid pledge's receipt is issued at the latest (unless the rest arrives before).</remarks>
public sealed record ReceiptRequestAccepted(Guid DonationId, string Status, string? ReceiptNumber, DateOnly? DueOn = null);

public static class RequestReceiptEndpoint
{
    [WolverinePost("/api/donations/{donationId}/receipt", OperationId = "requestReceipt")]
    [AllowAnonymous]
    [EndpointSummary("Ask for a donation receipt later, giving the postal address if not yet known (needs the donor link's token)")]
    [ProducesResponseType<ReceiptRequestAccepted>(202)]
    public static async Task<IResult> Post(Guid donationId, string? token, RequestReceiptBody body, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var answer = await RequestAsync(donationId, token, body, bus, clock, ct);
        return answer.Status == "issued" ? Results.Ok(answer) : Results.Accepted($"/api/donations/{donationId}", answer);
    }

    /// <summary>The request as the API and the donor page send it.</summary>
    public static async Task<ReceiptRequestAccepted> RequestAsync(Guid donationId, string? token, RequestReceiptBody body, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // A fresh id for what the donor gives now; the decision keeps the known donor's id.
        var given = body.Donor is null ? null : new PledgeRequest(1, null, body.Donor, true).ToDonorProfile(Guid.CreateVersion7(now), now);
        return await bus.InvokeAsync<ReceiptRequestAccepted>(new RequestReceipt(donationId, token, given, now), ct);
    }
}

/// <summary>
/// The donation's stream is loaded for writing by the workflow; the donor's known profile by <see cref="LoadAsync"/>. The
/// changed profile, the fact and the look at the receipt (<see cref="IssueDueReceipts"/>) commit together.
/// </summary>
public static class RequestReceiptHandler
{
    public static async Task<DonorProfile?> LoadAsync(RequestReceipt command, IEventStream<Donation> donation, IQuerySession session, CancellationToken ct)
        => donation.Aggregate?.DonorId is { } id ? await DonorProfiles.LoadAsync(session, id, ct) : null;

    public static async Task<(IReadOnlyList<object>, OutgoingMessages, ReceiptRequestAccepted)> Handle(RequestReceipt command,
        [WriteAggregate(nameof(RequestReceipt.DonationId), Required = false)] IEventStream<Donation> donation, DonorProfile? known, IDocumentSession session,
        ReceiptSettings settings, DonorAccess access, CancellationToken ct)
    {
        var decision = ReceiptDecider.Decide(command, donation.Aggregate, known, access.Allows);
        if (decision.AlreadyIssuedAs is { } number) return ([], [], new ReceiptRequestAccepted(command.DonationId, "issued", number));
        if (decision.ProfileChanged) await DonorProfiles.StoreAsync(session, decision.Profile!, ct);

        var after = donation.Aggregate.After(decision.Events, DonationDecider.Evolve)!;
        // The issuing handler applies the same rule: issue now, or when the pledge is paid or its grace period ends.
        var due = ReceiptPolicy.Due(after, ReceiptIssuing.Today(command.RequestedAt), settings.PartialPaymentGraceDays);
        var status = due.Now.Count > 0 ? "issuing" : due.WaitUntil is not null ? "waiting for further payments" : "waiting for payment";
        OutgoingMessages messages = ReceiptCoverage.Open(after).Count > 0 ? [new IssueDueReceipts(command.DonationId)] : [];
        return (decision.Events, messages, new ReceiptRequestAccepted(command.DonationId, status, null, due.WaitUntil));
    }
}
