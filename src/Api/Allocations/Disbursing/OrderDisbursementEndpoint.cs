using FlutHilfe.Api.Appeals.Opening;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Infrastructure.Idempotency;
using FlutHilfe.BankFiles.Sepa;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.Allocations.Disbursing;

/// <summary>
/// A transfer to the municipality for the next SEPA payment file. <see cref="DisbursementId"/>: the caller's operation id
/// (a request sent again with it orders once); without it an <c>Idempotency-Key</c> stands in; without either every request
/// is an order of its own. The payee's name and remittance text are written in the SEPA character set (umlauts become ae,
/// oe, ue, ß becomes ss); a name or text with characters no bank carries (e.g. Chinese script) is refused.
/// </summary>
public sealed record DisbursementOrderRequest(long? AmountCents, AccountInput? Payee, string? RemittanceText, Guid? DisbursementId = null);

public static class OrderDisbursementEndpoint
{
    [WolverinePost("/api/allocations/{allocationId}/disbursement-orders", OperationId = "orderDisbursement")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Approve a transfer of allocated money to the municipality for the next SEPA payment file (treasurer)")]
    public static async Task<AllocationView> Post(Guid allocationId, DisbursementOrderRequest request, HttpRequest http, IMessageBus bus, TimeProvider clock,
        CancellationToken ct)
    {
        request = request with { DisbursementId = request.DisbursementId ?? OperationIds.FromIdempotencyKey(http, "disbursement-order", allocationId.ToString()) };
        return AllocationView.From(await OrderAsync(allocationId, request, bus, clock, ct));
    }

    public static async Task<Allocation> OrderAsync(Guid allocationId, DisbursementOrderRequest request, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (request.DisbursementId == Guid.Empty) throw DomainException.Invalid("disbursementId", "disbursementId must not be the empty id.");
        var amount = new Money(request.AmountCents ?? throw DomainException.Invalid("amountCents", "amountCents is required."));
        var account = Inputs.Account(request.Payee, "payee");
        var name = SepaText.Require(account.Holder, "payee.holder");
        if (name.Length > Pain001Writer.NameLengthMax)
            throw DomainException.Invalid("payee.holder", $"The payee's name is {name.Length} characters long in the SEPA character set; a bank carries at most {Pain001Writer.NameLengthMax}.");
        var text = Text.OptionalLine(request.RemittanceText, "remittanceText", 500) is { } given ? SepaText.Require(given, "remittanceText") : "";
        if (text.Length > AllocationDecider.RemittanceLengthMax)
            throw DomainException.Invalid("remittanceText",
                $"The remittance text is {text.Length} characters long in the SEPA character set; a bank carries at most {AllocationDecider.RemittanceLengthMax}.");
        var payee = new Payee(name, account.Iban, account.Bic);
        return await bus.InvokeAsync<Allocation>(new OrderDisbursement(allocationId, request.DisbursementId ?? Guid.CreateVersion7(now), amount, payee, text, now), ct);
    }
}

public static class OrderDisbursementHandler
{
    public static (IReadOnlyList<object>, Allocation) Handle(OrderDisbursement command,
        [WriteAggregate(nameof(OrderDisbursement.AllocationId), Required = false)] Allocation? allocation)
        => AllocationDecider.Decide(command, allocation).WithStateAfter(allocation, AllocationDecider.Evolve);
}
