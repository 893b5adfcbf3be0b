using FlutHilfe.Api.Donations;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;

namespace FlutHilfe.Api.Receipts.Issuing;

/// <remarks>PaymentIds: Optional: only these payments of the listed donations (each not yet on a valid receipt).</remarks>
public sealed record CollectiveReceiptRequest(IReadOnlyList<Guid>? DonationIds, DateOnly? From, DateOnly? To, IReadOnlyList<Guid>? PaymentIds = null);

public static class CollectiveReceiptEndpoint
{
    [WolverinePost("/api/receipts/collective", OperationId = "issueCollectiveReceipt")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Issue a collective receipt (Sammelbestätigung) over the payments of one donor's donations in a period that no valid receipt states yet; optionally only the given payments (treasurer)")]
    [ProducesResponseType<ReceiptIssuedView>(201)]
    public static async Task<IResult> Post(CollectiveReceiptRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var ids = request.DonationIds ?? throw DomainException.Invalid("donationIds", "donationIds is required.");
        if (ids.Count > ReceiptDecision.CollectiveDonationsMax) throw DomainException.Invalid("donationIds", $"At most {ReceiptDecision.CollectiveDonationsMax} donations.");
        if (ids.Distinct().Count() != ids.Count) throw DomainException.Invalid("donationIds", "A donation is listed twice.");
        if (request.PaymentIds is { } listed && (listed.Count > ReceiptDecision.LinesMax || listed.Distinct().Count() != listed.Count))
            throw DomainException.Invalid("paymentIds", $"At most {ReceiptDecision.LinesMax} distinct payments.");
        var from = request.From ?? throw DomainException.Invalid("from", "from is required.");
        var to = request.To ?? throw DomainException.Invalid("to", "to is required.");

        var issued = await bus.InvokeAsync<ReceiptIssuedView>(new IssueCollectiveReceipt(ids, from, to, request.PaymentIds, clock.GetUtcNow()), ct);
        return Results.Created(issued.PdfUrl, issued);
    }
}

/// <summary>What a collective receipt is decided on: the listed donations (loaded for writing), their donors' profiles, the appeal.</summary>
public sealed record CollectiveReceiptGrounds(DonationStreams Donations, IReadOnlyDictionary<Guid, DonorProfile> Donors, Appeal? Appeal);

/// <summary>As many donations as the treasurer lists, so they are loaded by <see cref="LoadAsync"/> rather than by the aggregate workflow.</summary>
public static class IssueCollectiveReceiptHandler
{
    public static async Task<CollectiveReceiptGrounds> LoadAsync(IssueCollectiveReceipt command, IDocumentSession session, CancellationToken ct)
    {
        var donations = await DonationStreams.FetchForWritingAsync(session, command.DonationIds, ct);
        var donors = new Dictionary<Guid, DonorProfile>();
        foreach (var id in donations.Existing.Values.Select(d => d.DonorId).OfType<Guid>().Distinct())
        {
            if (await DonorProfiles.LoadAsync(session, id, ct) is { } profile) donors[id] = profile;
        }
        var first = command.DonationIds.Select(id => donations.Existing.GetValueOrDefault(id)).FirstOrDefault(d => d is not null);
        var appeal = first is null ? null : await session.LoadAsync<Appeal>(AppealStream.IdFor(first.AppealId), ct);
        return new CollectiveReceiptGrounds(donations, donors, appeal);
    }

    public static async Task<(ReceiptIssuedView, OutgoingMessages)> Handle(IssueCollectiveReceipt command, CollectiveReceiptGrounds grounds, IDocumentSession session,
        ReceiptSettings settings, CancellationToken ct)
    {
        var collective = ReceiptDecider.Decide(command, grounds.Donations.Existing, grounds.Donors, grounds.Appeal);
        var number = (await ReceiptIssuing.IssueAsync(session, grounds.Donations, grounds.Donations.Existing, [new ReceiptBatch(collective.Payments, null)], true,
            command.From, command.To, collective.Donor, grounds.Appeal!, settings, command.IssuedAt, ct)).Single();
        return (ReceiptIssuedView.For(number), [new DeliverReceipt(number)]);
    }
}
