using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Intern;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlutHilfe.Api.Pages.Kommune;

/// <summary>
/// The clerk's start page: the allocations of their own municipality (and only those: the municipality comes from the
/// sign-in, never from the address) with what was disbursed, spent, paid back and is still open.
/// </summary>
[Authorize(Roles = Roles.Municipality)]
public sealed class MunicipalityModel(IQuerySession session) : PageModel
{
    public const int AllocationsShown = 500;

    public string MunicipalityId { get; private set; } = "";
    public string MunicipalityName { get; private set; } = "";
    public IReadOnlyList<Allocation> Allocations { get; private set; } = [];
    public IReadOnlyDictionary<string, Appeal> Appeals { get; private set; } = new Dictionary<string, Appeal>();

    public Money Total(Func<Allocation, Money> pick) => Allocations.Aggregate(Money.Zero, (sum, a) => sum + pick(a));

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Roles.MunicipalityOf(User) is not { } municipality) return Forbid();
        MunicipalityId = municipality;
        Allocations = await session.Query<Allocation>().Where(a => a.MunicipalityId == municipality)
            .OrderByDescending(a => a.DecidedOn).Take(AllocationsShown).ToListAsync(ct);
        Appeals = (await session.Query<Appeal>().Take(100).ToListAsync(ct)).ToDictionary(a => a.AppealId);
        MunicipalityName = Appeals.Values.Select(a => a.FindMunicipality(municipality)?.Name).FirstOrDefault(n => n is not null) ?? municipality;
        return Page();
    }

    public static string DetailPath(Guid allocationId) => $"/kommune/zuweisungen/{allocationId}";

    public static string ProofStatus(Allocation a) => StaffTexts.ProofStatus(a.ProofStatus.ToString().ToLowerInvariant());
}
