using System.Security.Claims;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Allocations;

public sealed record WithdrawAllocationRequest(long? AmountCents, string? Reason);

public sealed record DisbursementRequest(long? AmountCents, DateOnly? PaidOn, string? BankReference);

public sealed record ReturnRequest(long? AmountCents, DateOnly? ReturnedOn, string? BankReference);

public sealed record SpendingItemView(Guid ItemId, DateOnly Date, string Payee, bool PayeeIsOrganisation, string Reason, string PurposeId,
    long AmountCents, string VoucherNumber, string? Facility, string? DocumentSha256, bool Withdrawn, string? WithdrawalReason);

public sealed record AllocationView(
    Guid AllocationId, string AppealId, string MunicipalityId, string? PurposeId, long AllocatedCents, long WithdrawnCents, long DisbursedCents,
    long SpentCents, long ReturnedCents, long OpenCents, string DecisionReference, DateOnly DecidedOn, string ProofStatus,
    IReadOnlyList<SpendingItemView> Items)
{
    public static AllocationView From(Allocation a) => new(
        a.Id, a.AppealId, a.MunicipalityId, a.PurposeId, a.Allocated.Cents, a.Withdrawn.Cents, a.Disbursed.Cents, a.Spent.Cents,
        a.ReturnedUnused.Cents, a.Open.Cents, a.DecisionReference, a.DecidedOn, a.ProofStatus.ToString().ToLowerInvariant(),
        a.Items.Select(i => new SpendingItemView(i.ItemId, i.Date, i.Payee, i.PayeeIsOrganisation, i.Reason, i.PurposeId, i.Amount.Cents,
            i.VoucherNumber, i.Facility, i.Document?.Sha256, i.Withdrawn, i.WithdrawalReason)).ToList());
}

public static class AllocationEndpoints
{
    [WolverineGet("/api/allocations/{allocationId}", OperationId = "getAllocation")]
    [Authorize(Roles = Roles.Treasurer + "," + Roles.Auditor + "," + Roles.Municipality)]
    [EndpointSummary("One allocation with its spending items (own clerk, treasurer, auditor)")]
    public static async Task<AllocationView> Get(Guid allocationId, IQuerySession session, ClaimsPrincipal user, CancellationToken ct)
    {
        var allocation = await Load(session, allocationId, ct);
        Access.RequireMunicipality(user, allocation.MunicipalityId);
        return AllocationView.From(allocation);
    }

    [WolverinePost("/api/allocations/{allocationId}/withdraw", OperationId = "withdrawAllocation")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Withdraw the unspent, undisbursed part of an allocation back to its funds (treasurer)")]
    public static async Task<AllocationView> Withdraw(Guid allocationId, WithdrawAllocationRequest request, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var reason = Text.Require(request.Reason, "reason", 500);
        var amount = request.AmountCents is { } cents ? new Money(cents) : (Money?)null;
        if (amount is { IsPositive: false }) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");
        return await Change(session, allocationId, a => AllocationDecisions.Decide(new WithdrawAllocation(allocationId, amount, reason), a, clock.GetUtcNow()), ct);
    }

    [WolverinePost("/api/allocations/{allocationId}/disbursements", OperationId = "disburseFunds")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Record a transfer of allocated money to the municipality (treasurer)")]
    public static async Task<AllocationView> Disburse(Guid allocationId, DisbursementRequest request, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var command = new DisburseFunds(allocationId, Guid.CreateVersion7(clock.GetUtcNow()),
            new Money(request.AmountCents ?? throw DomainException.Invalid("amountCents", "amountCents is required.")),
            request.PaidOn ?? throw DomainException.Invalid("paidOn", "paidOn is required."),
            Text.RequireLine(request.BankReference, "bankReference", 140));
        return await Change(session, allocationId, a => AllocationDecisions.Decide(command, a, clock.GetUtcNow()), ct);
    }

    [WolverinePost("/api/allocations/{allocationId}/returns", OperationId = "returnUnusedFunds")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Record unused money paid back by the municipality; it returns to its funds (treasurer)")]
    public static async Task<AllocationView> Return(Guid allocationId, ReturnRequest request, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var command = new ReturnUnusedFunds(allocationId, Guid.CreateVersion7(clock.GetUtcNow()),
            new Money(request.AmountCents ?? throw DomainException.Invalid("amountCents", "amountCents is required.")),
            request.ReturnedOn ?? throw DomainException.Invalid("returnedOn", "returnedOn is required."),
            Text.RequireLine(request.BankReference, "bankReference", 140));
        return await Change(session, allocationId, a => AllocationDecisions.Decide(command, a, clock.GetUtcNow()), ct);
    }

    public static async Task<Allocation> Load(IQuerySession session, Guid allocationId, CancellationToken ct)
        => await session.LoadAsync<Allocation>(allocationId, ct) ?? throw DomainException.NotFound($"No allocation {allocationId}.");

    /// <summary>Load for writing (optimistic concurrency on the allocation's stream), decide, append, answer the new state.</summary>
    public static async Task<AllocationView> Change(IDocumentSession session, Guid allocationId, Func<Allocation, IReadOnlyList<object>> decide, CancellationToken ct)
    {
        var stream = await FetchForWriting(session, allocationId, ct);
        var events = decide(stream.Aggregate!);
        stream.AppendMany(events);
        return AllocationView.From(events.Aggregate(stream.Aggregate!, (a, e) => AllocationEvolution.Apply(a, e)!));
    }

    public static async Task<JasperFx.Events.IEventStream<Allocation>> FetchForWriting(IDocumentSession session, Guid allocationId, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Allocation>(allocationId, ct);
        return stream.Aggregate is null ? throw DomainException.NotFound($"No allocation {allocationId}.") : stream;
    }
}
