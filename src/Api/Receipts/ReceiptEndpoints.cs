using System.Security.Claims;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;

namespace FlutHilfe.Api.Receipts;

public sealed record CancelReceiptRequest(string? Reason);

public sealed record CollectiveReceiptRequest(IReadOnlyList<Guid>? DonationIds, DateOnly? From, DateOnly? To);

public sealed record ReceiptRegisterLine(string Number, int Sequence, string State, string Kind, long AmountCents, DateOnly IssueDate,
    int Donations, string? ReplacesNumber, string? ReplacedBy, string? CancellationReason, bool Mailed);

public sealed record ReceiptRegister(int Year, int Issued, int Valid, int Cancelled, IReadOnlyList<int> MissingSequences, IReadOnlyList<ReceiptRegisterLine> Receipts);

public sealed record ReceiptVerification(string Status, string? Number, long? AmountCents, DateOnly? DonationDate, DateOnly? IssueDate, string? Issuer);

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
    [EndpointSummary("Check a receipt printed on paper: valid, cancelled or unknown (public, no personal data)")]
    public static async Task<ReceiptVerification> Verify(string number, string? c, IQuerySession session, ReceiptSettings settings, CancellationToken ct)
    {
        // Without the right code every number is "unknown": numbers cannot be enumerated.
        if (!ReceiptNumber.IsWellFormed(number) || !settings.Verifies(number, c)) return new ReceiptVerification("unknown", null, null, null, null, null);
        var receipt = await session.LoadAsync<Receipt>(ReceiptStream.IdFor(number), ct);
        var issued = receipt is null ? null : await ReceiptDocuments.IssuedAsync(session, number, ct);
        if (receipt is null || issued is null) return new ReceiptVerification("unknown", null, null, null, null, null);
        return new ReceiptVerification(receipt.State == ReceiptState.Valid ? "valid" : "cancelled", number, receipt.Amount.Cents, issued.DonationDate, receipt.IssueDate, issued.Issuer.Name);
    }

    [WolverinePost("/api/receipts/{number}/cancel", OperationId = "cancelReceipt")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Cancel a receipt with a reason; its number stays on record (treasurer)")]
    public static async Task<ReceiptRegisterLine> Cancel(string number, CancelReceiptRequest request, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var reason = Text.Require(request.Reason, "reason", 500);
        var r = await ReceiptCancelling.CancelAsync(session, number, reason, Access.Subject(user), clock, ct);
        return new ReceiptRegisterLine(r.Number, r.Sequence, r.State.ToString().ToLowerInvariant(), r.Kind.ToString().ToLowerInvariant(), r.Amount.Cents, r.IssueDate,
            r.Lines.Count, r.ReplacesNumber, null, r.CancellationReason, r.Mailed);
    }

    [WolverinePost("/api/receipts/{number}/reissue", OperationId = "reissueReceipt")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Issue a corrected receipt under a new number that refers to the cancelled one (treasurer)")]
    [ProducesResponseType<ReceiptIssuedView>(201)]
    public static async Task<(IResult, OutgoingMessages)> Reissue(string number, IDocumentSession session, ReceiptSettings settings, TimeProvider clock, ILogger<IssueReceipt> logger, CancellationToken ct)
    {
        var receipt = (ReceiptNumber.IsWellFormed(number) ? await session.LoadAsync<Receipt>(ReceiptStream.IdFor(number), ct) : null)
                      ?? throw DomainException.NotFound($"No receipt {number}.");
        if (receipt.State != ReceiptState.Cancelled) throw DomainException.Conflict($"Receipt {number} is valid: cancel it first.");
        if (receipt.Kind != ReceiptKind.Single) throw DomainException.Conflict("Reissue a collective receipt by issuing a new collective receipt.");
        var donation = await session.Events.FetchForWriting<Donation>(receipt.Lines[0].DonationId, ct);
        var issued = await ReceiptIssuing.IssueSingleAsync(session, donation, settings, clock, number, logger, ct)
                     ?? throw DomainException.Conflict(ReceiptDecision.WhyNot(donation.Aggregate!) ?? "The donation gets no receipt (no postal address, or no receipt wanted).");
        return (Results.Created($"/api/receipts/{issued}.pdf", new ReceiptIssuedView(issued, $"/api/receipts/{issued}.pdf")), [new DeliverReceipt(issued)]);
    }

    [WolverinePost("/api/receipts/collective", OperationId = "issueCollectiveReceipt")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Issue a collective receipt (Sammelbestätigung) over paid, not yet receipted donations of one donor in a period (treasurer)")]
    [ProducesResponseType<ReceiptIssuedView>(201)]
    public static async Task<(IResult, OutgoingMessages)> Collective(CollectiveReceiptRequest request, IDocumentSession session, ReceiptSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var ids = request.DonationIds ?? throw DomainException.Invalid("donationIds", "donationIds is required.");
        if (ids.Count > ReceiptDecision.CollectiveDonationsMax) throw DomainException.Invalid("donationIds", $"At most {ReceiptDecision.CollectiveDonationsMax} donations.");
        if (ids.Distinct().Count() != ids.Count) throw DomainException.Invalid("donationIds", "A donation is listed twice.");
        var from = request.From ?? throw DomainException.Invalid("from", "from is required.");
        var to = request.To ?? throw DomainException.Invalid("to", "to is required.");

        var streams = new List<JasperFx.Events.IEventStream<Donation>>();
        foreach (var id in ids)
        {
            var stream = await session.Events.FetchForWriting<Donation>(id, ct);
            streams.Add(stream.Aggregate is null ? throw DomainException.Invalid("donationIds", $"No donation {id}.") : stream);
        }
        var profiles = new List<DonorProfile>();
        foreach (var s in streams)
        {
            var profile = s.Aggregate!.DonorId is { } donorId ? await DonorProfiles.LoadAsync(session, donorId, ct) : null;
            profiles.Add(profile is { HasPostalAddress: true } ? profile : throw DomainException.Invalid("donationIds", $"Donation {s.Aggregate.Id} has no donor with a postal address."));
        }
        // One donor: the same name and address on every donation (donors get a new id per pledge).
        if (profiles.Select(p => (Norm(p.Name), Norm(p.Street), Norm(p.PostalCode), Norm(p.City))).Distinct().Count() != 1)
            throw DomainException.Invalid("donationIds", "The donations belong to different donors (name or address differ).");

        var donations = streams.Select(s => s.Aggregate!).ToList();
        var appeal = await session.LoadAsync<Appeal>(AppealStream.IdFor(donations[0].AppealId), ct) ?? throw DomainException.NotFound("No appeal.");
        var donor = profiles[^1];
        var now = clock.GetUtcNow();
        var (number, year, sequence) = await ReceiptNumbers.NextAsync(session, clock, ct);
        var protectedDonor = await DonorKeys.ProtectAsync(session, donor.Id, new PrintedDonor(donor.Name!, donor.Street!, donor.PostalCode!, donor.City!, donor.Country), ct);
        var issued = ReceiptDecision.IssueCollective(donations, appeal, from, to, number, year, sequence, donor.Id, protectedDonor, settings.TermsFor(appeal.Slug), now);

        session.Events.StartStream<Receipt>(ReceiptStream.IdFor(number), issued);
        foreach (var s in streams) s.AppendOne(new ReceiptAssigned(s.Aggregate!.Id, number, now));
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
