using FlutHilfe.Domain.Appeals;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlutHilfe.Api.Pages;

[AllowAnonymous]
public sealed class IndexModel(IQuerySession session) : PageModel
{
    public IReadOnlyList<Appeal> Appeals { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
        => Appeals = await session.Query<Appeal>().OrderBy(a => a.OpenedAt).Take(100).ToListAsync(ct);
}
