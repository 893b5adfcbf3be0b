using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Domain.Appeals;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlutHilfe.Api.Pages.Anmelden;

/// <summary>
/// Development only: choose a role (and a municipality for a clerk) and get the same claims a bearer token would carry.
/// Outside Development every request is a 404, so no configuration mistake can open it.
/// </summary>
[AllowAnonymous]
public sealed class DevelopmentSignInModel(IWebHostEnvironment environment, IQuerySession session) : PageModel
{
    public static readonly IReadOnlyList<(string Value, string Label, string Hint)> RoleChoices =
    [
        (Roles.Treasurer, "Kasse", "Kontoauszüge, Abgleich, Zuweisungen, Zuwendungsbestätigungen"),
        (Roles.Municipality, "Kommune", "Ausgaben melden, Verwendungsnachweis einreichen"),
        (Roles.Auditor, "Prüfung", "alles lesen, nichts ändern"),
    ];

    [BindProperty] public string? Role { get; set; }
    [BindProperty] public string? MunicipalityId { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public IReadOnlyList<Municipality> Municipalities { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!environment.IsDevelopment()) return NotFound();
        Role ??= Roles.Treasurer;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!environment.IsDevelopment()) return NotFound();
        await LoadAsync(ct);
        if (Role is null || !Roles.All.Contains(Role)) ModelState.AddModelError(nameof(Role), "Bitte wählen Sie eine Rolle.");
        else if (Role == Roles.Municipality && !Municipalities.Any(m => m.Id == MunicipalityId))
            ModelState.AddModelError(nameof(MunicipalityId), "Bitte wählen Sie die Kommune, für die Sie handeln.");
        if (!ModelState.IsValid) return Page();

        var municipality = Role == Roles.Municipality ? MunicipalityId : null;
        var name = "Testkonto" + (municipality is null ? "" : " " + Municipalities.First(m => m.Id == municipality).Name);
        var principal = PageAuthentication.Principal($"dev-{Role}{(municipality is null ? "" : "-" + municipality)}", name, Role!, municipality);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/intern");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var appeals = await session.Query<Appeal>().OrderBy(a => a.OpenedAt).Take(100).ToListAsync(ct);
        Municipalities = appeals.SelectMany(a => a.Municipalities).DistinctBy(m => m.Id).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
    }
}
