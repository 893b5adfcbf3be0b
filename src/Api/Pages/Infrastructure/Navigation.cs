using System.Security.Claims;
using FlutHilfe.Api.Infrastructure.Auth;

namespace FlutHilfe.Api.Pages.Infrastructure;

public sealed record NavItem(string Href, string Label);

/// <summary>
/// The main navigation: the public pages for everyone, then what the signed-in role may use. A staff page adds its link
/// here under its role, so nobody sees a link that would answer "Kein Zugriff".
/// </summary>
public static class Navigation
{
    public static readonly IReadOnlyList<NavItem> Public =
    [
        new("/", "Spendenaufruf"),
        new("/transparenz", "Transparenz"),
    ];

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<NavItem>> PerRole = new Dictionary<string, IReadOnlyList<NavItem>>
    {
        [Roles.Treasurer] =
        [
            new("/intern", "Übersicht"), new("/schatzamt/kontoauszuege", "Kontoauszüge"), new("/schatzamt/abgleich", "Abgleich"),
            new("/schatzamt/zuweisungen", "Zuweisungen"), new("/schatzamt/zahlungen", "Zahlungen"), new("/schatzamt/bestaetigungen", "Bestätigungen"), new("/schatzamt/sammelbestaetigungen", "Jahreslauf"), new("/schatzamt/hinweise", "Hinweise"),
        ],
        [Roles.Municipality] = [new("/intern", "Übersicht"), new("/kommune", "Meine Kommune")],
        [Roles.Auditor] =
        [
            new("/intern", "Übersicht"), new("/pruefung/salden", "Salden"), new("/pruefung/ereignisse", "Ereignisprotokoll"),
            new("/pruefung/verifikation", "Verifikation"), new("/pruefung/spur", "Spur einer Spende"),
        ],
    };

    public static IReadOnlyList<NavItem> Staff(ClaimsPrincipal user)
        => Roles.All.Where(user.IsInRole).SelectMany(r => PerRole[r]).DistinctBy(i => i.Href).ToList();

    public static bool IsSignedIn(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && Roles.All.Any(user.IsInRole);

    /// <summary>How the role reads in German (header, sign-in page).</summary>
    public static string RoleName(string role) => role switch
    {
        Roles.Treasurer => "Kasse",
        Roles.Municipality => "Kommune",
        Roles.Auditor => "Prüfung",
        _ => role,
    };

    /// <summary>Marks the link of the current page (aria-current) by its path.</summary>
    public static bool IsCurrent(NavItem item, PathString path)
        => item.Href == "/" ? path == "/" || path.StartsWithSegments("/aufrufe") : path.StartsWithSegments(item.Href);
}
