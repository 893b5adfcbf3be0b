using FlutHilfe.Api.Appeals;
using FlutHilfe.Api.Documents;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.ProofOfUse;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using Marten;

namespace FlutHilfe.Api.Pages.Intern;

/// <summary>
/// A page about one allocation (the treasury's and the clerk's): the allocation, its proof of use as the API builds it
/// (Belegliste with its flags), and the downloads (PDF, CSV, vouchers) under the same access rules as the API.
/// </summary>
public abstract class AllocationPage(IQuerySession session, TimeProvider clock, ILogger logger) : StaffPage(logger)
{
    /// <summary>The clock of the page (for derived pages: their dates and form ids).</summary>
    protected TimeProvider Clock => clock;

    /// <summary>The page's query session (for derived pages).</summary>
    protected IQuerySession Session => session;

    public Allocation Allocation { get; private set; } = null!;
    public ProofOfUseView Proof { get; private set; } = null!;
    public Appeal Appeal { get; private set; } = null!;

    /// <summary>Whether the Belegliste offers to withdraw an item (the clerk's page, while the proof is not submitted).</summary>
    public virtual bool MayWithdrawSpending => false;

    /// <summary>The withdrawal form's fields (below the Belegliste): the item chosen and the reason.</summary>
    public const string WithdrawItemKey = "RueckzugPosten";
    public const string WithdrawReasonKey = "RueckzugGrund";

    /// <summary>What was chosen and typed into the withdrawal form, shown again after a refusal.</summary>
    public Guid? WithdrawItem { get; protected set; }
    public string? WithdrawReason { get; protected set; }

    public string MunicipalityName => StaffTexts.Municipality(Appeal, Allocation.MunicipalityId);

    /// <summary>Loads the allocation for this user: null when it may be shown, else the 404 or 403 answer.</summary>
    protected async Task<IActionResult?> LoadAllocationAsync(Guid id, CancellationToken ct)
    {
        var allocation = await session.LoadAsync<Allocation>(id, ct);
        if (allocation is null) return NotFound();
        try
        {
            Access.RequireMunicipality(User, allocation.MunicipalityId);
        }
        catch (ForbiddenException)
        {
            return Forbid();
        }
        Allocation = allocation;
        Appeal = await AppealLookup.LoadAsync(session, allocation.AppealId, ct);
        Proof = await ProofOfUseEndpoints.Build(id, session, User, clock, ct);
        return null;
    }

    public Task<IActionResult> OnGetPdfAsync(Guid id, CancellationToken ct) => ProofFileAsync(id, "pdf", ct);

    public Task<IActionResult> OnGetCsvAsync(Guid id, CancellationToken ct) => ProofFileAsync(id, "csv", ct);

    /// <summary>A voucher of this allocation's Belegliste, as an attachment (never shown inline).</summary>
    public async Task<IActionResult> OnGetBelegAsync(Guid id, Guid dokument, CancellationToken ct)
    {
        if (await LoadAllocationAsync(id, ct) is { } denied) return denied;
        if (!Allocation.Items.Any(i => i.Document?.DocumentId == dokument)) return NotFound();
        var document = await DocumentEndpoints.ReadableAsync(dokument, session, User, ct);
        return File(document.Content, document.ContentType, DocumentEndpoints.WithExtensionOf(document.ContentType, document.FileName));
    }

    private async Task<IActionResult> ProofFileAsync(Guid id, string format, CancellationToken ct)
    {
        if (await LoadAllocationAsync(id, ct) is { } denied) return denied;
        var (content, contentType, fileName) = await ProofOfUseEndpoints.FileAsync(id, format, session, User, clock, ct);
        return File(content, contentType, fileName);
    }
}
