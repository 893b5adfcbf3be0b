using System.Security.Claims;
using FlutHilfe.Api.Allocations;
using FlutHilfe.Api.Appeals;
using FlutHilfe.Api.Documents;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Spending;

public sealed record ReportSpendingRequest(
    DateOnly? Date, string? Payee, bool PayeeIsOrganisation, string? Reason, string? PurposeId, long? AmountCents,
    string? VoucherNumber, string? Facility, Guid? DocumentId);

public sealed record WithdrawSpendingRequest(string? Reason);

public sealed record SpendingItemCreated(Guid ItemId, Guid AllocationId, long AmountCents, string? DocumentSha256, long OpenCents);

/// <summary>Finds the allocation of a spending item (items are addressed by their own id).</summary>
public sealed record SpendingItemIndex(Guid Id, Guid AllocationId);

public static class SpendingEndpoints
{
    [WolverinePost("/api/allocations/{allocationId}/spending", OperationId = "reportSpending")]
    [Authorize(Roles = Roles.Municipality)]
    [EndpointSummary("Report a spending item with its voucher (the allocation's municipal clerk)")]
    [ProducesResponseType<SpendingItemCreated>(201)]
    public static async Task<IResult> Report(Guid allocationId, ReportSpendingRequest request, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var stream = await AllocationEndpoints.FetchForWriting(session, allocationId, ct);
        var allocation = stream.Aggregate!;
        Access.RequireMunicipality(user, allocation.MunicipalityId, staffMayToo: false);

        var document = request.DocumentId is { } documentId ? await AttachableDocument(session, documentId, allocation.MunicipalityId, ct) : null;
        var now = clock.GetUtcNow();
        var command = new ReportSpending(
            allocationId, Guid.CreateVersion7(now),
            request.Date ?? throw DomainException.Invalid("date", "date is required."),
            Text.RequireLine(request.Payee, "payee", 140),
            request.PayeeIsOrganisation,
            Text.Require(request.Reason, "reason", 500),
            Slug.Require(request.PurposeId, "purposeId"),
            new Money(request.AmountCents ?? throw DomainException.Invalid("amountCents", "amountCents is required.")),
            Text.RequireLine(request.VoucherNumber, "voucherNumber", 50),
            Text.OptionalLine(request.Facility, "facility", 140),
            document, Access.Subject(user),
            EligibleWindow.Of(await AppealLookup.LoadAsync(session, allocation.AppealId, ct)));
        if (command.Date > DateOnly.FromDateTime(now.UtcDateTime).AddDays(1)) throw DomainException.Invalid("date", "The date lies in the future.");

        var events = AllocationDecisions.Decide(command, allocation, now);
        stream.AppendMany(events);
        if (events.Count > 0) session.Store(new SpendingItemIndex(command.ItemId, allocationId));
        var after = events.Aggregate(allocation, (a, e) => AllocationEvolution.Apply(a, e)!);
        return Results.Created($"/api/allocations/{allocationId}", new SpendingItemCreated(command.ItemId, allocationId, command.Amount.Cents, document?.Sha256, after.Open.Cents));
    }

    [WolverinePost("/api/spending/{itemId}/withdraw", OperationId = "withdrawSpending")]
    [Authorize(Roles = Roles.Municipality)]
    [EndpointSummary("Withdraw a spending item with a reason; resubmit it as a new item (the allocation's municipal clerk)")]
    public static async Task<AllocationView> Withdraw(Guid itemId, WithdrawSpendingRequest request, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var reason = Text.Require(request.Reason, "reason", 500);
        var index = await session.LoadAsync<SpendingItemIndex>(itemId, ct) ?? throw DomainException.NotFound($"No spending item {itemId}.");
        var allocation = await AllocationEndpoints.Load(session, index.AllocationId, ct);
        Access.RequireMunicipality(user, allocation.MunicipalityId, staffMayToo: false);
        return await AllocationEndpoints.Change(session, index.AllocationId, a => AllocationDecisions.Decide(new WithdrawSpending(a.Id, itemId, reason), a, clock.GetUtcNow()), ct);
    }

    private static async Task<VoucherDocument> AttachableDocument(IQuerySession session, Guid documentId, string municipalityId, CancellationToken ct)
    {
        var stored = await session.LoadAsync<StoredDocument>(documentId, ct) ?? throw DomainException.Invalid("documentId", $"No document {documentId}.");
        if (stored.MunicipalityId is { } owner && owner != municipalityId)
            throw DomainException.Invalid("documentId", "The document was uploaded for another municipality.");
        return new VoucherDocument(stored.Id, stored.Sha256, stored.ContentType, stored.SizeBytes, stored.FileName);
    }
}
