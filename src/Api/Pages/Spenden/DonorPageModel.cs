using FlutHilfe.Api.Donations.Viewing;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Domain.Shared;
using Marten;

namespace FlutHilfe.Api.Pages.Spenden;

/// <summary>
/// The donor's pages read what <c>GET /api/donations/{id}?token=…</c> answers (<see cref="DonorViewEndpoints.ViewAsync"/>):
/// a wrong or missing token is a 404, exactly like an unknown donation. They are never cached (the token is in the URL).
/// </summary>
public abstract class DonorPageModel(IQuerySession session, ReceiptSettings settings, TimeProvider clock, IConfiguration configuration) : FormPageModel
{
    protected IQuerySession Session { get; } = session;
    protected TimeProvider Clock { get; } = clock;
    protected DonorAccess Access => HttpContext.RequestServices.GetRequiredService<DonorAccess>();

    public DonorView View { get; private set; } = null!;
    public string Token { get; private set; } = "";

    public string DonorPageUrl => DonorLinks.Absolute(DonorLinks.Page(View.DonationId, Token), Request, configuration);
    public string PaymentUrl => DonorLinks.Payment(View.DonationId, Token);
    public string QrUrl => DonorLinks.QrSvg(View.DonationId, Token);

    protected async Task<bool> LoadAsync(Guid donationId, string? token, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        ViewData["NoIndex"] = true;
        try
        {
            View = await DonorViewEndpoints.ViewAsync(donationId, token, Session, settings, Access, Clock, ct);
        }
        catch (DomainException e) when (e.Kind == RefusalKind.NotFound)
        {
            return false;
        }
        Token = token!;
        return true;
    }

    /// <summary>The status as the donor reads it.</summary>
    public static (string Text, string Css) Status(string status) => status switch
    {
        "paid" => ("Bezahlt – vielen Dank!", "status-paid"),
        "partly paid" => ("Teilweise bezahlt", "status-partly-paid"),
        "returned" => ("Zurückgebucht", "status-returned"),
        "expired" => ("Zusage verfallen – kein Geld eingegangen", "status-returned"),
        _ => ("Zugesagt – noch nicht eingegangen", "status-pledged"),
    };
}
