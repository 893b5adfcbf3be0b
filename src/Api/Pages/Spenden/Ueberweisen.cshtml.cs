using FlutHilfe.Api.Receipts;
using Marten;
using Microsoft.AspNetCore.Authorization;

namespace FlutHilfe.Api.Pages.Spenden;

/// <summary>After pledging: the GiroCode and the plain transfer data with copy buttons, a print view as a payment slip, the donor link.</summary>
[AllowAnonymous]
public sealed class PaymentModel(IQuerySession session, ReceiptSettings settings, TimeProvider clock, IConfiguration configuration)
    : DonorPageModel(session, settings, clock, configuration)
{
    public async Task<IActionResult> OnGetAsync(Guid donationId, string? token, CancellationToken ct)
        => await LoadAsync(donationId, token, ct) ? Page() : NotFound();
}
