using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.PaymentFiles;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Api.Pages.Intern;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.PaymentFiles;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;

namespace FlutHilfe.Api.Pages.Schatzamt;

/// <summary>One payment file as the treasury page shows it: how many of its transfers the statements confirmed, returned or the bank refused.</summary>
public sealed record PaymentFileLine(PaymentFile File, int Paid, int Returned, int Rejected)
{
    /// <summary>Transfers to municipalities and refunds to donors.</summary>
    public int Count => File.Transfers.Count + File.Refunds.Count;

    public string StatusText => File.RejectedAt is not null ? "von der Bank abgelehnt"
        : Paid == Count ? "bestätigt"
        : $"an die Bank übergeben, bestätigt {Paid} von {Count}" + (Returned > 0 ? $", {Returned} zurückgekommen" : "");
}

/// <summary>An ordered transfer waiting for a payment file, with what became of it before (returned, file refused).</summary>
public sealed record WaitingOrder(Allocation Allocation, DisbursementOrder Order)
{
    public string? Note => Order.SentIn.LastOrDefault() switch
    {
        { Outcome: SendingOutcome.Returned } s => $"zurückgekommen ({s.ReasonCode ?? "ohne Grund"}), wird erneut angewiesen",
        { Outcome: SendingOutcome.Rejected } => "Zahlungsdatei abgelehnt, wird erneut angewiesen",
        _ => null,
    };
}

/// <summary>
/// The treasury's money out: ordered transfers waiting for a file, "Zahlungsdatei erstellen" (the same command as
/// <c>POST /api/appeals/{id}/payment-files</c>), every payment file with its state and its pain.001 XML.
/// </summary>
[Authorize(Roles = Roles.Treasurer)]
public sealed class PaymentsModel(IMessageBus bus, IQuerySession session, TimeProvider clock, ILogger<PaymentsModel> logger) : StaffPage(logger)
{
    public IReadOnlyList<Appeal> Appeals { get; private set; } = [];
    public Appeal? Appeal { get; private set; }
    public IReadOnlyList<WaitingOrder> Waiting { get; private set; } = [];
    public IReadOnlyList<PaymentFileLine> Files { get; private set; } = [];
    /// <summary>Refunds donors chose that are not yet paid (waiting for a file, in a file, or not payable).</summary>
    public IReadOnlyList<RefundCandidate> Refunds { get; private set; } = [];
    public IReadOnlyList<RefundCandidate> RefundsWaiting => Refunds.Where(r => r.Refund.Status == RefundStatus.Ordered && r.Missing is null).ToList();

    [BindProperty(SupportsGet = true, Name = "aufruf")] public string? AppealId { get; set; }
    [BindProperty] public string? Ausfuehrung { get; set; }
    /// <summary>The form's own id (the file's id): sending the same form twice makes one file.</summary>
    [BindProperty] public Guid Vorgang { get; set; }

    protected override IReadOnlyDictionary<string, string> DoneTexts => new Dictionary<string, string>
    {
        ["datei"] = "Die Zahlungsdatei ist erstellt. Laden Sie sie herunter und übergeben Sie sie der Bank.",
    };

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Vorgang = Guid.CreateVersion7(clock.GetUtcNow());
        Ausfuehrung = DateInput(TodayInGermany(clock).AddDays(1));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        if (Vorgang == Guid.Empty) Vorgang = Guid.CreateVersion7(clock.GetUtcNow());
        var date = ParseDate(Ausfuehrung);
        if (date is null) Refuse(nameof(Ausfuehrung), "Bitte geben Sie das Ausführungsdatum an (TT.MM.JJJJ).");
        if (!ModelState.IsValid) return Page();
        var (ok, _) = await SendAsync(() => PaymentFileEndpoints.CreateAsync(Appeal!.AppealId, new PaymentFileRequest(date, null, Vorgang), bus, clock, ct), Refusal);
        if (!ok) return Page();
        return Redirect($"/schatzamt/zahlungen?aufruf={Appeal!.AppealId}&erledigt=datei");
    }

    /// <summary>The file's pain.001 XML, the same bytes as the API's download.</summary>
    public async Task<IActionResult> OnGetXmlAsync(Guid datei, CancellationToken ct)
    {
        if (await session.LoadAsync<PaymentFile>(datei, ct) is not { } file) return NotFound();
        return File(FlutHilfe.BankFiles.Sepa.Pain001Writer.Write(PaymentFileEndpoints.ToSepa(file)), "application/xml", file.MessageId + ".xml");
    }

    private static FormField? Refusal(string? field, ProblemDetails problem) => field switch
    {
        "requestedExecutionDate" => new(nameof(Ausfuehrung), problem.Detail?.Contains("past", StringComparison.Ordinal) == true
            ? "Das Ausführungsdatum liegt in der Vergangenheit." : "Banken nehmen Ausführungsdaten bis 90 Tage im Voraus an."),
        "disbursementIds" => new("", "Keine angewiesene Auszahlung und keine Rückerstattung wartet auf eine Zahlungsdatei."),
        _ => null,
    };

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Appeals = await session.Query<Appeal>().OrderBy(a => a.OpenedAt).Take(100).ToListAsync(ct);
        Appeal = AppealId is null ? Appeals.FirstOrDefault() : Appeals.FirstOrDefault(a => a.AppealId == AppealId);
        if (Appeal is null) return AppealId is null;
        var allocations = await session.Query<Allocation>().Where(a => a.AppealId == Appeal.AppealId).ToListAsync(ct);
        Waiting = allocations.SelectMany(a => a.Orders.Where(o => o.Status == DisbursementOrderStatus.Ordered).Select(o => new WaitingOrder(a, o)))
            .OrderBy(w => w.Order.OrderedAt).ToList();
        var sendings = allocations.SelectMany(a => a.Orders).SelectMany(o => o.SentIn).ToLookup(s => s.PaymentFileId);
        var files = await session.Query<PaymentFile>().Where(f => f.AppealId == Appeal.AppealId).ToListAsync(ct);
        var refunds = await RefundPayees.CandidatesAsync(session, Appeal.AppealId, ct);
        Refunds = refunds.Where(r => r.Refund.Status != RefundStatus.Paid).OrderBy(r => r.Refund.OrderedAt).ToList();
        var refundsPaid = refunds.Where(r => r.Refund.Status == RefundStatus.Paid).ToLookup(r => r.Refund.PaymentFileId);
        Files = files.OrderByDescending(f => f.CreatedAt).Select(f => new PaymentFileLine(f,
            sendings[f.Id].Count(s => s.Outcome == SendingOutcome.Paid) + refundsPaid[f.Id].Count(), sendings[f.Id].Count(s => s.Outcome == SendingOutcome.Returned),
            sendings[f.Id].Count(s => s.Outcome == SendingOutcome.Rejected))).ToList();
        return true;
    }
}
