using FlutHilfe.Api.Donations.Pledging;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Documents.GiroCodes;
using FlutHilfe.Api.Receipts.Issuing;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Donations.Viewing;

public sealed record DonorView(
    Guid DonationId,
    string AppealId,
    string AppealTitle,
    string Status,
    long AmountCents,
    string AmountText,
    IReadOnlyList<EarmarkView> Earmarks,
    string Reference,
    string ReferencePrint,
    PaymentInstructions Payment,
    string EpcPayload,
    DateTimeOffset PledgedAt,
    long PaidCents,
    long ReturnedCents,
    long PledgedCents,
    long ReceivedCents,
    long OutstandingCents,
    long OverpaidCents,
    DateOnly? PaidOn,
    IReadOnlyList<PaymentLine> Payments,
    bool ReceiptWanted,
    string? ReceiptNumber,
    string? ReceiptPdfUrl,
    bool BankStatementSuffices,
    string? ReceiptNote,
    IReadOnlyList<DonorReceiptLine>? Receipts = null,
    string? ReceiptRequestUrl = null,
    DateOnly? ReceiptDueOn = null,
    IReadOnlyList<EarmarkDecisions.DonorEarmarkQuestion>? EarmarkQuestions = null);

/// <summary>A valid receipt that states (part of) this donation's payments.</summary>
public sealed record DonorReceiptLine(string Number, long AmountCents, string PdfUrl);

/// <summary>One booking on the donation, as the bank recorded it (no payer data); a return is negative.</summary>
public sealed record PaymentLine(DateOnly BookingDate, long AmountCents, string Kind, Guid PaymentId);

/// <summary>
/// What the holder of the secret donor link may see. A wrong or missing token is a 404, exactly like
/// an unknown donation, so the existence of a donation is never revealed.
/// </summary>
public static class DonorViewEndpoints
{
    [WolverineGet("/api/donations/{donationId}", OperationId = "getDonation")]
    [AllowAnonymous]
    [EndpointSummary("Donor view of one donation (needs the donor link's token)")]
    [ProducesResponseType<DonorView>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(Guid donationId, string? token, IQuerySession session, ReceiptSettings settings, DonorAccess access, TimeProvider clock,
        CancellationToken ct)
        => Results.Ok(await ViewAsync(donationId, token, session, settings, access, clock, ct));

    /// <summary>What the API answers and the donor page shows (a 404 refusal without the right token).</summary>
    public static async Task<DonorView> ViewAsync(Guid donationId, string? token, IQuerySession session, ReceiptSettings settings, DonorAccess access,
        TimeProvider clock, CancellationToken ct)
    {
        var (donation, appeal) = await Load(donationId, token, session, access, ct);
        var link = Uri.EscapeDataString(token!);
        var need = SimplifiedProof.For(donation, appeal);
        var due = ReceiptPolicy.Due(donation, ReceiptIssuing.Today(clock.GetUtcNow()), settings.PartialPaymentGraceDays);
        var requestUrl = need == ProofNeed.ReceiptNeeded && !donation.ReceiptWanted ? $"/api/donations/{donation.Id}/receipt?token={link}" : null;
        return new DonorView(
            donation.Id, appeal.AppealId, appeal.Title, DonationStatusText.Of(donation.Status), donation.Pledged.Cents, donation.Pledged.ToString(),
            EarmarkView.For(appeal, donation.Earmarks), donation.Reference,
            CreditorReference.Parse(donation.Reference).ToPrintString(), PaymentInstructions.For(appeal, donation),
            PaymentInstructions.EpcPayload(appeal, donation), donation.PledgedAt, donation.Received.Cents, donation.ReturnedByBank.Cents,
            donation.Pledged.Cents, donation.Received.Cents, donation.Outstanding.Cents, donation.Overpaid.Cents,
            donation.PaidOn,
            donation.Payments.Select(p => new PaymentLine(p.BookingDate, p.Amount.Cents, "payment", p.PaymentId))
                .Concat(donation.Returns.Select(r => new PaymentLine(r.BookingDate, -r.Amount.Cents, "return", r.PaymentId)))
                .OrderBy(l => l.BookingDate).ToList(),
            donation.ReceiptWanted, donation.ReceiptNumber,
            donation.ReceiptNumber is { } number ? $"/api/receipts/{number}.pdf?token={link}" : null,
            need == ProofNeed.BankStatementSuffices,
            ReceiptNote(donation, appeal, need, due),
            ValidReceipts(donation).Select(r => new DonorReceiptLine(r.Number, r.Amount.Cents, $"/api/receipts/{r.Number}.pdf?token={link}")).ToList(),
            requestUrl,
            due.WaitUntil,
            await EarmarkDecisions.AnswerEarmarkQuestionEndpoint.ForDonorAsync(session, donation, appeal, token!, ct));
    }

    public const string SimplifiedProofNote =
        "Für diese Spende genügt dem Finanzamt Ihr Kontoauszug als Nachweis (vereinfachter Zuwendungsnachweis nach § 50 Abs. 4 EStDV). "
        + "Eine Zuwendungsbestätigung erhalten Sie auf Wunsch trotzdem.";

    /// <summary>What the donor reads about receipts, in German.</summary>
    public static string? ReceiptNote(Donation donation, Appeal appeal, ProofNeed need, ReceiptDue due)
    {
        if (donation.ReceiptWanted && due.WaitUntil is { } day)
        {
            return "Ihre Zuwendungsbestätigung stellen wir aus, sobald der zugesagte Betrag vollständig eingegangen ist, "
                   + $"spätestens am {GermanDate.Format(day)} über die bis dahin eingegangenen Zahlungen.";
        }
        return need switch
        {
            ProofNeed.BankStatementSuffices => SimplifiedProofNote,
            ProofNeed.ReceiptNeeded when !donation.ReceiptWanted =>
                "Für diese Spende genügt Ihr Kontoauszug dem Finanzamt nicht als Nachweis: Für Zuwendungen über 300 €"
                + (appeal.IsDisasterSpecialAccount && appeal.SimplifiedProof is { } w
                    ? $", die nicht im Katastrophenzeitraum vom {GermanDate.Format(w.From)} bis {GermanDate.Format(w.To)} eingezahlt wurden,"
                    : "")
                + " verlangt es eine Zuwendungsbestätigung (§ 50 Abs. 4 EStDV). Sie haben noch keine angefordert: "
                + "Bitte fordern Sie sie mit Ihrer Postanschrift an (receiptRequestUrl).",
            _ => null,
        };
    }

    /// <summary>The valid receipts stating this donation's payments, with what each states of it.</summary>
    public static IReadOnlyList<(string Number, Money Amount)> ValidReceipts(Donation donation)
        => donation.PaymentReceipts.Count == 0
            ? donation.ReceiptNumber is { } number ? [(number, donation.Net)] : []
            : donation.PaymentReceipts.Where(r => r.Valid).GroupBy(r => r.Number)
                .Select(g => (g.Key, g.Aggregate(Money.Zero, (s, r) => s + r.Amount))).ToList();

    [WolverineGet("/api/donations/{donationId}/qr.png", OperationId = "getDonationQrPng")]
    [AllowAnonymous]
    [EndpointSummary("EPC QR code (GiroCode) of a pledge as PNG (needs the donor link's token)")]
    [ProducesResponseType<byte[]>(200, "image/png")]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Png(Guid donationId, string? token, IQuerySession session, DonorAccess access, CancellationToken ct)
    {
        var (donation, appeal) = await Load(donationId, token, session, access, ct);
        return Results.File(GiroCodeImage.Png(PaymentInstructions.EpcPayload(appeal, donation)), "image/png");
    }

    [WolverineGet("/api/donations/{donationId}/qr.svg", OperationId = "getDonationQrSvg")]
    [AllowAnonymous]
    [EndpointSummary("EPC QR code (GiroCode) of a pledge as SVG (needs the donor link's token)")]
    [ProducesResponseType<string>(200, "image/svg+xml")]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Svg(Guid donationId, string? token, IQuerySession session, DonorAccess access, CancellationToken ct)
    {
        var (donation, appeal) = await Load(donationId, token, session, access, ct);
        return Results.Text(GiroCodeImage.Svg(PaymentInstructions.EpcPayload(appeal, donation)), "image/svg+xml");
    }

    private static async Task<(Donation, Appeal)> Load(Guid donationId, string? token, IQuerySession session, DonorAccess access, CancellationToken ct)
    {
        var donation = await session.LoadAsync<Donation>(donationId, ct);
        if (donation is null || !access.Allows(token, donation))
            throw DomainException.NotFound("No such donation.");
        var appeal = await session.LoadAsync<Appeal>(AppealStream.IdFor(donation.AppealId), ct)
                     ?? throw new InvalidOperationException($"Donation {donationId} refers to a missing appeal.");
        return (donation, appeal);
    }
}
