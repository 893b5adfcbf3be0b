using FlutHilfe.Api.Infrastructure.PublicCaching;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Domain.Appeals;
using Marten;

namespace FlutHilfe.Api.Pages.Aufrufe;

/// <summary>The appeal page and the page the donation form posts to share the appeal, its figures and the form.</summary>
public abstract class DonationPageModel(IQuerySession session, TimeProvider clock) : FormPageModel
{
    protected TimeProvider Clock { get; } = clock;

    public Appeal Appeal { get; private set; } = null!;
    public AppealFigures Figures { get; private set; } = null!;

    [BindProperty]
    public DonationForm Form { get; set; } = DonationForm.Empty();

    /// <summary>Loads the appeal (false when there is none: the page answers 404); both kept until the store changes.</summary>
    protected async Task<bool> LoadAsync(string? appealId, CancellationToken ct)
    {
        var cache = HttpContext.RequestServices.GetRequiredService<PublicFigures>();
        var appeal = await cache.GetOrLoadAsync("page-appeal:" + (appealId ?? "/"), () => AppealFigures.FindAsync(session, appealId, ct));
        if (appeal is null) return false;
        Appeal = appeal;
        Figures = (await cache.GetOrLoadAsync<AppealFigures>("page-figures:" + appeal.AppealId, async () => await AppealFigures.LoadAsync(session, appeal, Clock, ct)))!;
        Form.Pad();
        return true;
    }
}
