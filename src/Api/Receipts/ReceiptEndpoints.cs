using System.Security.Claims;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;

namespace FlutHilfe.Api.Receipts;

public sealed record CancelReceiptRequest(string? Reason);

/// <remarks>PaymentIds: Optional: only these payments of the listed donations (each not yet on a valid receipt).</remarks>
public sealed record CollectiveReceiptRequest(IReadOnlyList<Guid>? DonationIds, DateOnly? From, DateOnly? To, IReadOnlyList<Guid>? PaymentIds = null);

public sealed record ReceiptRegisterLine(string Number, int Sequence, string State, string Kind, long AmountCents, DateOnly IssueDate,
    int Donations, string? ReplacesNumber, string? ReplacedBy, string? CancellationReason, bool Mailed);

public sealed record ReceiptRegister(int Year, int Issued, int Valid, int Cancelled, IReadOnlyList<int> MissingSequences, IReadOnlyList<ReceiptRegisterLine> Receipts);

/// <remarks>ReplacedBy: For a cancelled receipt: the number of the receipt that replaced it, if any.</remarks>
public sealed record ReceiptVerification(string Status, string? Number, long? AmountCents, DateOnly? DonationDate, DateOnly? IssueDate, string? Issuer,
    string? Kind = null, DateOnly? PeriodFrom = null, DateOnly? PeriodTo = null, string? ReplacedBy = null);

public sealed record ReceiptIssuedView(string Number, string PdfUrl);

public static class ReceiptEndpoints
{
    [WolverineGet("/api/receipts", OperationId = "listReceipts")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Every receipt number of a year with its state (treasurer, auditor)")]
    public static async Task<ReceiptRegister> List(int? year, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var y = year ?? clock.GetUtcNow().Year;
        if (y is < 2000 or > 9999) throw DomainException.Invalid("year", "year must be a four-digit year.");
        var receipts = (await session.Query<Receipt>().Where(r => r.Year == y).ToListAsync(ct)).OrderBy(r => r.Sequence).ToList();
        var replacedBy = receipts.Where(r => r.ReplacesNumber is not null).ToDictionary(r => r.ReplacesNumber!, r => r.Number);
        var max = receipts.Count == 0 ? 0 : receipts.Max(r => r.Sequence);
        var missing = Enumerable.Range(1, max).Except(receipts.Select(r => r.Sequence)).ToList();
        return new ReceiptRegister(y, receipts.Count, receipts.Count(r => r.State == ReceiptState.Valid), receipts.Count(r => r.State == ReceiptState.Cancelled), missing,
            receipts.Select(r => new ReceiptRegisterLine(r.Number, r.Sequence, r.State.ToString().ToLowerInvariant(), r.Kind.ToString().ToLowerInvariant(), r.Amount.Cents,
                r.IssueDate, r.Lines.Count, r.ReplacesNumber, replacedBy.GetValueOrDefault(r.Number), r.CancellationReason, r.Mailed)).ToList());
    }

    [WolverineGet("/api/receipts/{number}.pdf", OperationId = "getReceiptPdf")]
    [AllowAnonymous]
    [EndpointSummary("A receipt as PDF (donor link token, treasurer, auditor); ?copy=true marks a copy")]
    [ProducesResponseType<byte[]>(200, "application/pdf")]
    public static async Task<IResult> Pdf(string number, string? token, bool? copy, IQuerySession session, ClaimsPrincipal user, ReceiptSettings settings, CancellationToken ct)
    {
        var issued = await ReceiptDocuments.IssuedAsync(session, number, ct) ?? throw DomainException.NotFound("No such receipt.");
        var staff = user.IsInRole(Roles.Treasurer) || user.IsInRole(Roles.Auditor);
        if (!staff && !await DonorHoldsAsync(session, issued, token, ct)) throw DomainException.NotFound("No such receipt.");

        byte[] pdf;
        if (copy == true)
        {
            pdf = await ReceiptDocuments.RenderAsync(session, issued, settings, true, ct);
        }
        else
        {
            pdf = (await session.LoadAsync<StoredReceiptPdf>(number, ct))?.Content ?? await ReceiptDocuments.RenderAsync(session, issued, settings, false, ct);
        }
        return Results.File(pdf, "application/pdf", $"Zuwendungsbestaetigung-{number}{(copy == true ? "-Kopie" : "")}.pdf");
    }

    [WolverineGet("/api/receipts/{number}/verify", OperationId = "verifyReceipt")]
    [AllowAnonymous]
    [EndpointSummary("Check a receipt printed on paper: valid, cancelled or unknown (public, no personal data); the page for people is /belege/{number}/pruefen")]
    public static async Task<ReceiptVerification> Verify(string number, string? c, IQuerySession session, ReceiptSettings settings, CancellationToken ct)
        => await VerificationPage.CheckAsync(number, c, session, settings, ct);

    [WolverinePost("/api/receipts/{number}/cancel", OperationId = "cancelReceipt")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Cancel a receipt with a reason; its number stays on record (treasurer)")]
    public static async Task<ReceiptRegisterLine> Cancel(string number, CancelReceiptRequest request, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var reason = Text.Require(request.Reason, "reason", 500);
        var r = (await ReceiptCancelling.CancelAsync(session, number, reason, Access.Subject(user), clock, ct)).Receipt;
        return new ReceiptRegisterLine(r.Number, r.Sequence, r.State.ToString().ToLowerInvariant(), r.Kind.ToString().ToLowerInvariant(), r.Amount.Cents, r.IssueDate,
            r.Lines.Count, r.ReplacesNumber, null, r.CancellationReason, r.Mailed);
    }

    [WolverinePost("/api/receipts/{number}/reissue", OperationId = "reissueReceipt")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Receipt again what a cancelled receipt stated and what stayed with us, under a new number that refers to it (treasurer)")]
    [ProducesResponseType<ReceiptIssuedView>(201)]
    public static async Task<(IResult, OutgoingMessages)> Reissue(string number, IDocumentSession session, ReceiptSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var receipt = (ReceiptNumber.IsWellFormed(number) ? await session.LoadAsync<Receipt>(ReceiptStream.IdFor(number), ct) : null)
                      ?? throw DomainException.NotFound($"No receipt {number}.");
        if (receipt.State != ReceiptState.Cancelled) throw DomainException.Conflict($"Receipt {number} is valid: cancel it first.");
        // Fetching the donations for writing (no new cancellation: it happened) makes a racing reissue fail its commit.
        var cancelled = await ReceiptCancelling.CancelAsync(session, number, receipt.CancellationReason ?? "", null, clock, ct);
        if (await ReceiptIssuing.PrintableDonorAsync(session, receipt.DonorId, ct) is null)
            throw DomainException.Conflict("The donor has no postal address any more: a receipt cannot be made out.");
        var issued = await ReceiptCancelling.ReissueAsync(session, cancelled, settings, clock, ct)
                     ?? throw DomainException.Conflict($"Nothing of receipt {number} is left to receipt: the payments were returned, withdrawn or are on another valid receipt.");
        return (Results.Created($"/api/receipts/{issued}.pdf", new ReceiptIssuedView(issued, $"/api/receipts/{issued}.pdf")), [new DeliverReceipt(issued)]);
    }

    [WolverinePost("/api/receipts/collective", OperationId = "issueCollectiveReceipt")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Issue a collective receipt (Sammelbestätigung) over the payments of one donor's donations in a period that no valid receipt states yet; optionally only the given payments (treasurer)")]
    [ProducesResponseType<ReceiptIssuedView>(201)]
    public static async Task<(IResult, OutgoingMessages)> Collective(CollectiveReceiptRequest request, IDocumentSession session, ReceiptSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var ids = request.DonationIds ?? throw DomainException.Invalid("donationIds", "donationIds is required.");
        if (ids.Count > ReceiptDecision.CollectiveDonationsMax) throw DomainException.Invalid("donationIds", $"At most {ReceiptDecision.CollectiveDonationsMax} donations.");
        if (ids.Distinct().Count() != ids.Count) throw DomainException.Invalid("donationIds", "A donation is listed twice.");
        if (request.PaymentIds is { } listed && (listed.Count > ReceiptDecision.LinesMax || listed.Distinct().Count() != listed.Count))
            throw DomainException.Invalid("paymentIds", $"At most {ReceiptDecision.LinesMax} distinct payments.");
        var from = request.From ?? throw DomainException.Invalid("from", "from is required.");
        var to = request.To ?? throw DomainException.Invalid("to", "to is required.");

        var streams = new Dictionary<Guid, JasperFx.Events.IEventStream<Donation>>();
        foreach (var id in ids)
        {
            var stream = await session.Events.FetchForWriting<Donation>(id, ct);
            streams[id] = stream.Aggregate is null ? throw DomainException.Invalid("donationIds", $"No donation {id}.") : stream;
        }
        var profiles = new List<DonorProfile>();
        foreach (var s in streams.Values)
        {
            profiles.Add(await ReceiptIssuing.PrintableDonorAsync(session, s.Aggregate!.DonorId, ct)
                         ?? throw DomainException.Invalid("donationIds", $"Donation {s.Aggregate.Id} has no donor with a postal address."));
        }
        // One donor: the same name and address on every donation (donors get a new id per pledge).
        if (profiles.Select(p => (Norm(p.Name), Norm(p.Street), Norm(p.PostalCode), Norm(p.City))).Distinct().Count() != 1)
            throw DomainException.Invalid("donationIds", "The donations belong to different donors (name or address differ).");

        var donations = streams.Values.Select(s => s.Aggregate!).ToList();
        var appeal = await session.LoadAsync<Appeal>(AppealStream.IdFor(donations[0].AppealId), ct) ?? throw DomainException.NotFound("No appeal.");
        var payments = ReceiptDecision.CollectivePayments(donations, appeal, from, to, request.PaymentIds?.ToHashSet());
        var number = (await ReceiptIssuing.IssueAsync(session, streams, [new ReceiptBatch(payments, null)], true, from, to, profiles[^1], appeal, settings, clock, ct)).Single();
        return (Results.Created($"/api/receipts/{number}.pdf", new ReceiptIssuedView(number, $"/api/receipts/{number}.pdf")), [new DeliverReceipt(number)]);
    }

    [WolverineGet("/api/notices", OperationId = "listTreasurerNotices")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Notices for the treasurer, e.g. receipts cancelled by bank returns (treasurer, auditor)")]
    public static async Task<IReadOnlyList<TreasurerNotice>> Notices(IQuerySession session, CancellationToken ct)
        => await session.Query<TreasurerNotice>().OrderByDescending(n => n.CreatedAt).Take(500).ToListAsync(ct);

    private static string Norm(string? s) => string.Join(' ', (s ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();

    private static async Task<bool> DonorHoldsAsync(IQuerySession session, ReceiptIssued issued, string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token)) return false;
        foreach (var line in issued.Lines)
        {
            var donation = await session.LoadAsync<Donation>(line.DonationId, ct);
            if (donation is not null && DonorToken.Matches(token, donation.DonorTokenHash)) return true;
        }
        return false;
    }
}
