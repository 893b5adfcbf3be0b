using System.Security.Claims;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;

namespace FlutHilfe.Api.Donors.Merging;

public sealed record MergeDonorsRequest(Guid? IntoDonorId, string? Reason);

public sealed record UndoDonorMergeRequest(string? Reason);

/// <summary>The donor records that count as one donor after the command (<see cref="DonorId"/>: the record the others count as).</summary>
public sealed record DonorGroupView(Guid DonorId, IReadOnlyList<Guid> DonorIds, string Message);

/// <summary>The treasury merges two donor records (the same person pledged twice without being recognised) and undoes a merge.</summary>
public static class DonorMergingEndpoints
{
    [WolverinePost("/api/donors/{donorId}/merge", OperationId = "mergeDonors")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Merge donor record donorId into intoDonorId: donations, account link and annual receipt count as one donor (treasurer)")]
    [ProducesResponseType<DonorGroupView>(200)]
    public static async Task<DonorGroupView> Merge(Guid donorId, MergeDonorsRequest request, ClaimsPrincipal user, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var into = request.IntoDonorId ?? throw DomainException.Invalid("intoDonorId", "intoDonorId is required.");
        var reason = request.Reason ?? throw DomainException.Invalid("reason", "reason is required.");
        return await bus.InvokeAsync<DonorGroupView>(new MergeDonors(donorId, into, DonorLinkVia.Treasury, reason, Access.Subject(user), clock.GetUtcNow()), ct);
    }

    [WolverinePost("/api/donors/{donorId}/merge/undo", OperationId = "undoDonorMerge")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Undo the merge of donor record donorId: it is a donor of its own again (treasurer)")]
    [ProducesResponseType<DonorGroupView>(200)]
    public static async Task<DonorGroupView> Undo(Guid donorId, UndoDonorMergeRequest request, ClaimsPrincipal user, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var reason = request.Reason ?? throw DomainException.Invalid("reason", "reason is required.");
        return await bus.InvokeAsync<DonorGroupView>(new UndoDonorMerge(donorId, reason, Access.Subject(user), clock.GetUtcNow()), ct);
    }

    [WolverineGet("/api/donors/{donorId}/group", OperationId = "getDonorGroup")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("The donor records that count as the same donor as donorId (treasurer, auditor)")]
    [ProducesResponseType<DonorGroupView>(200)]
    public static async Task<DonorGroupView> Group(Guid donorId, IQuerySession session, CancellationToken ct)
    {
        if (!(await DonorRecordsOf.LoadAsync(session, donorId, ct)).Known) throw DomainException.NotFound("No such donor.");
        var groups = await DonorGroups.LoadAsync(session, ct);
        return new DonorGroupView(groups.RootOf(donorId), groups.GroupOf(donorId), "");
    }

    [WolverineGet("/api/donations/{donationId}/donor-group", OperationId = "getDonorGroupOfDonation")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("The donor record of a donation and the records that count as the same donor (treasurer, auditor)")]
    [ProducesResponseType<DonorGroupView>(200)]
    public static async Task<DonorGroupView> GroupOfDonation(Guid donationId, IQuerySession session, CancellationToken ct)
    {
        var donation = await session.LoadAsync<Donation>(donationId, ct) ?? throw DomainException.NotFound("No such donation.");
        var donorId = donation.DonorId ?? throw DomainException.NotFound("This donation has no donor record (anonymous).");
        var groups = await DonorGroups.LoadAsync(session, ct);
        return new DonorGroupView(groups.RootOf(donorId), groups.GroupOf(donorId), "");
    }
}

/// <summary>
/// Merge and undo append to the merged record's own stream with its version as read (two merges of one record at once:
/// one commit fails, its retry decides again). Neither touches personal data: profiles, keys and erasure stay per record.
/// </summary>
public static class DonorMergingHandler
{
    public static async Task<DonorGroupView> Handle(MergeDonors command, IDocumentSession session, CancellationToken ct)
    {
        if (command.DonorId != command.IntoDonorId)
        {
            if (!(await DonorRecordsOf.LoadAsync(session, command.DonorId, ct)).Known) throw DomainException.NotFound("No such donor.");
            if (!(await DonorRecordsOf.LoadAsync(session, command.IntoDonorId, ct)).Known)
                throw DomainException.Invalid("intoDonorId", $"No donor {command.IntoDonorId}.");
        }
        var stream = await session.Events.FetchStreamAsync(command.DonorId, token: ct);
        var donor = stream.Select(e => e.Data).Aggregate((Donor?)null, DonorErasure.Evolve);
        var into = (await session.Events.FetchStreamAsync(command.IntoDonorId, token: ct)).Select(e => e.Data).Aggregate((Donor?)null, DonorErasure.Evolve);
        var groups = await DonorGroups.LoadAsync(session, ct);
        var events = DonorMerging.Decide(command, donor, into, groups.MembersOf(command.DonorId));
        if (events.Count > 0) session.Events.Append(command.DonorId, stream.Count + events.Count, [.. events]);
        var members = groups.GroupOf(command.IntoDonorId).Append(command.DonorId).Distinct().ToList();
        return new DonorGroupView(command.IntoDonorId, members, events.Count == 0 ? "Die Spender waren bereits zusammengeführt." : "Die Spender wurden zusammengeführt.");
    }

    public static async Task<DonorGroupView> Handle(UndoDonorMerge command, IDocumentSession session, CancellationToken ct)
    {
        var stream = await session.Events.FetchStreamAsync(command.DonorId, token: ct);
        if (stream.Count == 0 && !(await DonorRecordsOf.LoadAsync(session, command.DonorId, ct)).Known) throw DomainException.NotFound("No such donor.");
        var donor = stream.Select(e => e.Data).Aggregate((Donor?)null, DonorErasure.Evolve);
        var events = DonorMerging.Decide(command, donor);
        session.Events.Append(command.DonorId, stream.Count + events.Count, [.. events]);
        return new DonorGroupView(command.DonorId, [command.DonorId], "Die Zusammenführung wurde aufgehoben.");
    }
}
