using System.Security.Claims;
using FlutHilfe.Api.Allocations;
using FlutHilfe.Api.Appeals;
using FlutHilfe.Api.Documents;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Documents.Calendar;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.Spending.Reporting;

public sealed record ReportSpendingRequest(
    DateOnly? Date, string? Payee, bool PayeeIsOrganisation, string? Reason, string? PurposeId, long? AmountCents,
    string? VoucherNumber, string? Facility, Guid? DocumentId);

public sealed record SpendingItemCreated(Guid ItemId, Guid AllocationId, long AmountCents, string? DocumentSha256, long OpenCents);

public static class ReportSpendingEndpoint
{
    [WolverinePost("/api/allocations/{allocationId}/spending", OperationId = "reportSpending")]
    [Authorize(Roles = Roles.Municipality)]
    [EndpointSummary("Report a spending item with its voucher (the allocation's municipal clerk)")]
    [ProducesResponseType<SpendingItemCreated>(201)]
    public static async Task<IResult> Post(Guid allocationId, ReportSpendingRequest request, IQuerySession session, IMessageBus bus, ClaimsPrincipal user,
        TimeProvider clock, CancellationToken ct)
    {
        var (command, document, after) = await ReportAsync(allocationId, request, session, bus, user, clock, ct);
        return Results.Created($"/api/allocations/{allocationId}", new SpendingItemCreated(command.ItemId, allocationId, command.Amount.Cents, document?.Sha256, after.Open.Cents));
    }

    /// <summary>
    /// The spending report of the API and of the clerk's page: request → command → message bus. <paramref name="itemId"/>:
    /// the form's own id, so that sending the form twice reports the item once.
    /// </summary>
    public static async Task<(ReportSpending Command, VoucherDocument? Document, Allocation After)> ReportAsync(Guid allocationId, ReportSpendingRequest request,
        IQuerySession session, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct, Guid? itemId = null)
    {
        // Who may act, and what the voucher and the eligible window are, is settled at the edge; the handler decides.
        var allocation = await AllocationLookup.LoadForAsync(session, allocationId, user, staffMayToo: false, ct);
        var document = request.DocumentId is { } documentId ? await AttachableDocument(session, documentId, allocation.MunicipalityId, ct) : null;
        var now = clock.GetUtcNow();
        var command = new ReportSpending(
            allocationId, itemId ?? Guid.CreateVersion7(now),
            request.Date ?? throw DomainException.Invalid("date", "date is required."),
            Text.RequireLine(request.Payee, "payee", 140),
            request.PayeeIsOrganisation,
            Text.Require(request.Reason, "reason", 500),
            Slug.Require(request.PurposeId, "purposeId"),
            new Money(request.AmountCents ?? throw DomainException.Invalid("amountCents", "amountCents is required.")),
            Text.RequireLine(request.VoucherNumber, "voucherNumber", 50),
            Text.OptionalLine(request.Facility, "facility", 140),
            document, Access.Subject(user), now,
            EligibleWindow.Of(await AppealLookup.LoadAsync(session, allocation.AppealId, ct)));
        // "Future" by the German calendar day: a clerk in Stolberg reporting at 00:30 names today's date.
        if (command.Date > GermanCalendar.Day(now)) throw DomainException.Invalid("date", "The date lies in the future.");

        return (command, document, await bus.InvokeAsync<Allocation>(command, ct));
    }

    private static async Task<VoucherDocument> AttachableDocument(IQuerySession session, Guid documentId, string municipalityId, CancellationToken ct)
    {
        var stored = await session.LoadAsync<StoredDocument>(documentId, ct) ?? throw DomainException.Invalid("documentId", $"No document {documentId}.");
        if (stored.MunicipalityId is { } owner && owner != municipalityId)
            throw DomainException.Invalid("documentId", "The document was uploaded for another municipality.");
        return new VoucherDocument(stored.Id, stored.Sha256, stored.ContentType, stored.SizeBytes, stored.FileName);
    }
}

/// <summary>Appends the item and, in the same commit, the index that finds its allocation by the item's id.</summary>
public static class ReportSpendingHandler
{
    public static (IReadOnlyList<object>, IMartenOp, Allocation) Handle(ReportSpending command,
        [WriteAggregate(nameof(ReportSpending.AllocationId), Required = false)] Allocation? allocation)
    {
        var (events, after) = AllocationDecider.Decide(command, allocation).WithStateAfter(allocation, AllocationDecider.Evolve);
        return (events, events.Count > 0 ? MartenOps.Store(new SpendingItemIndex(command.ItemId, command.AllocationId)) : MartenOps.Nothing(), after);
    }
}
