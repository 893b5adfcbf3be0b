using System.Security.Claims;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Shared;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;

namespace FlutHilfe.Api.Receipts.Cancelling;

public sealed record CancelReceiptRequest(string? Reason);

public static class CancelReceiptEndpoints
{
    [WolverinePost("/api/receipts/{number}/cancel", OperationId = "cancelReceipt")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Cancel a receipt with a reason; its number stays on record (treasurer)")]
    public static async Task<ReceiptRegisterLine> Cancel(string number, CancelReceiptRequest request, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken ct)
        => ReceiptRegisterLine.From(await CancelAsync(number, request, bus, user, clock, ct), replacedBy: null);

    /// <summary>The treasurer's cancellation, from the API and from the receipt register page.</summary>
    public static async Task<Receipt> CancelAsync(string number, CancelReceiptRequest request, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken ct)
    {
        var reason = Text.Require(request.Reason, "reason", 500);
        return await bus.InvokeAsync<Receipt>(new CancelReceipt(WellFormed(number), reason, Access.Subject(user), clock.GetUtcNow()), ct);
    }

    [WolverinePost("/api/receipts/{number}/reissue", OperationId = "reissueReceipt")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Receipt again what a cancelled receipt stated and what stayed with us, under a new number that refers to it (treasurer)")]
    [ProducesResponseType<ReceiptIssuedView>(201)]
    public static async Task<IResult> Reissue(string number, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var issued = await ReissueAsync(number, bus, clock, ct);
        return Results.Created(issued.PdfUrl, issued);
    }

    /// <summary>The replacement of a cancelled receipt, from the API and from the receipt register page.</summary>
    public static Task<ReceiptIssuedView> ReissueAsync(string number, IMessageBus bus, TimeProvider clock, CancellationToken ct)
        => bus.InvokeAsync<ReceiptIssuedView>(new ReissueReceipt(WellFormed(number), clock.GetUtcNow()), ct);

    /// <summary>A number that cannot be a receipt's is a 404, like an unknown one.</summary>
    private static string WellFormed(string number) => ReceiptNumber.IsWellFormed(number) ? number : throw DomainException.NotFound($"No receipt {number}.");
}
