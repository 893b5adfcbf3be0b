using System.Security.Claims;
using FlutHilfe.Api.Donations;
using FlutHilfe.Api.Donors.Merging;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Api.Receipts.Issuing;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;

namespace FlutHilfe.Api.Receipts.AnnualRun;

public sealed record AnnualReceiptRunRequest(int? Year);

public sealed record AnnualDonorView(Guid DonorId, IReadOnlyList<Guid> DonorIds, int Donations, int Gifts, long TotalCents, string? Reason);

public sealed record AnnualTotalsView(int Donors, int Gifts, long TotalCents, int DonorsCannotIssue, int GiftsCannotIssue, long TotalCannotIssueCents);

/// <summary>The preview of an annual run: per donor the gifts a Sammelbestätigung would state, and who cannot get one (and why).</summary>
public sealed record AnnualReceiptPreview(string AppealId, int Year, DateOnly PeriodFrom, DateOnly PeriodTo, IReadOnlyList<AnnualDonorView> Donors,
    IReadOnlyList<AnnualDonorView> CannotIssue, AnnualTotalsView Totals)
{
    public static AnnualReceiptPreview Of(AnnualReceiptPlan plan)
    {
        static AnnualDonorView View(AnnualDonorPlan d) => new(d.DonorId, d.DonorIds, d.DonationIds.Count, d.Gifts.Count, d.Total.Cents, d.CannotIssue);
        var cannotTotal = plan.CannotIssue.Aggregate(Money.Zero, (s, d) => s + d.Total);
        return new AnnualReceiptPreview(plan.AppealId, plan.Year, new DateOnly(plan.Year, 1, 1), new DateOnly(plan.Year, 12, 31),
            plan.Donors.Select(View).ToList(), plan.CannotIssue.Select(View).ToList(),
            new AnnualTotalsView(plan.Donors.Count, plan.Gifts, plan.Total.Cents, plan.CannotIssue.Count, plan.CannotIssue.Sum(d => d.Gifts.Count), cannotTotal.Cents));
    }
}

/// <summary>A run as recorded: what it planned, and what it has issued so far (<see cref="Complete"/> once every donor was looked at).</summary>
public sealed record AnnualReceiptRunView(Guid RunId, string AppealId, int Year, int DonorsPlanned, int GiftsPlanned, long TotalPlannedCents,
    int DonorsDone, int ReceiptsIssued, int GiftsIssued, long TotalIssuedCents, IReadOnlyList<string> Numbers, bool Complete, DateTimeOffset StartedAt)
{
    public static AnnualReceiptRunView Of(AnnualReceiptRun run) => new(run.Id, run.AppealId, run.Year, run.DonorsPlanned, run.GiftsPlanned, run.TotalPlanned.Cents,
        run.DonorsDone, run.Numbers.Count, run.GiftsIssued, run.TotalIssued.Cents, run.Numbers, run.DonorsDone >= run.DonorsPlanned, run.StartedAt);
}

/// <summary>Start the annual run of an appeal for a year (one Sammelbestätigung per donor with several open gifts).</summary>
public sealed record RunAnnualReceipts(Guid RunId, string AppealId, int Year, string? By, DateTimeOffset StartedAt);

/// <summary>One donor's Sammelbestätigung of an annual run; sent through the outbox with the run's start, handled on the receipts' queue.</summary>
public sealed record IssueAnnualReceipt(Guid RunId, string AppealId, int Year, Guid DonorId, IReadOnlyList<Guid> DonationIds, Guid PrintedDonorId);

public static class AnnualReceiptRunEndpoints
{
    [WolverineGet("/api/appeals/{appealId}/annual-receipts", OperationId = "previewAnnualReceipts")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Preview of the annual collective receipt run for a finished year: per donor the open gifts and their total; donors who cannot get a receipt, with the reason (treasurer, auditor)")]
    [ProducesResponseType<AnnualReceiptPreview>(200)]
    public static async Task<AnnualReceiptPreview> Preview(string appealId, int? year, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var y = year ?? throw DomainException.Invalid("year", "year is required.");
        AnnualReceipts.CheckYear(y, ReceiptIssuing.Today(clock.GetUtcNow()));
        return AnnualReceiptPreview.Of(await AnnualReceiptPlanning.PlanAsync(session, appealId, y, ct));
    }

    [WolverinePost("/api/appeals/{appealId}/annual-receipts", OperationId = "runAnnualReceipts")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Start the annual collective receipt run for a finished year: one Sammelbestätigung per donor with several gifts not yet on a valid receipt, issued through the receipts' outbox (treasurer)")]
    [ProducesResponseType<AnnualReceiptRunView>(202)]
    public static async Task<IResult> Run(string appealId, AnnualReceiptRunRequest request, ClaimsPrincipal user, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var run = await RunAsync(appealId, request, null, user, bus, clock, ct);
        return Results.Accepted($"/api/annual-receipt-runs/{run.RunId}", run);
    }

    /// <summary>The run as the API and the treasury page start it; <paramref name="runId"/> (the page form's own id) makes a resend start nothing new.</summary>
    public static async Task<AnnualReceiptRunView> RunAsync(string appealId, AnnualReceiptRunRequest request, Guid? runId, ClaimsPrincipal user, IMessageBus bus,
        TimeProvider clock, CancellationToken ct)
    {
        var year = request.Year ?? throw DomainException.Invalid("year", "year is required.");
        var now = clock.GetUtcNow();
        AnnualReceipts.CheckYear(year, ReceiptIssuing.Today(now));
        return await bus.InvokeAsync<AnnualReceiptRunView>(new RunAnnualReceipts(runId ?? Guid.CreateVersion7(now), appealId, year, Access.Subject(user), now), ct);
    }

    /// <summary>The runs of an appeal for a year, newest first (a handful a year: read from their start facts).</summary>
    public static async Task<IReadOnlyList<AnnualReceiptRunView>> RunsOfAsync(IQuerySession session, string appealId, int year, CancellationToken ct)
    {
        var started = await session.Events.QueryRawEventDataOnly<AnnualReceiptRunStarted>().Where(e => e.AppealId == appealId && e.Year == year)
            .Take(100).ToListAsync(ct);
        var runs = new List<AnnualReceiptRunView>();
        foreach (var s in started.OrderByDescending(s => s.StartedAt))
            if (await AnnualReceiptPlanning.RunAsync(session, s.RunId, ct) is { } run) runs.Add(AnnualReceiptRunView.Of(run));
        return runs;
    }

    [WolverineGet("/api/annual-receipt-runs/{runId}", OperationId = "getAnnualReceiptRun")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("An annual run: planned and issued so far (treasurer, auditor)")]
    [ProducesResponseType<AnnualReceiptRunView>(200)]
    public static async Task<AnnualReceiptRunView> Get(Guid runId, IQuerySession session, CancellationToken ct)
        => AnnualReceiptRunView.Of(await AnnualReceiptPlanning.RunAsync(session, runId, ct) ?? throw DomainException.NotFound("No such run."));
}

public static class AnnualReceiptPlanning
{
    /// <summary>The plan from the donations of the appeal as they stand, the donor groups and the printable profiles.</summary>
    public static async Task<AnnualReceiptPlan> PlanAsync(IQuerySession session, string appealId, int year, CancellationToken ct)
    {
        if (await session.LoadAsync<Appeal>(AppealStream.IdFor(appealId), ct) is null) throw DomainException.NotFound("No such appeal.");
        var donations = (await session.Query<Donation>().Where(d => d.AppealId == appealId).ToListAsync(ct))
            .Where(d => d.DonorId is not null && d.Payments.Count > 0).ToList();
        var groups = await DonorGroups.LoadAsync(session, ct);
        var ids = donations.Select(d => d.DonorId!.Value).SelectMany(groups.GroupOf).Distinct();
        var profiles = await DonorProfiles.LoadManyAsync(session, ids, ct);
        var printable = profiles.Profiles.Where(p => p.Value.HasPostalAddress).ToDictionary();
        return AnnualReceipts.Plan(appealId, year, donations, groups.RootOf, printable);
    }

    public static async Task<AnnualReceiptRun?> RunAsync(IQuerySession session, Guid runId, CancellationToken ct)
        => (await session.Events.FetchStreamAsync(runId, token: ct)).Select(e => e.Data).Aggregate((AnnualReceiptRun?)null, AnnualReceipts.Evolve);
}

/// <summary>
/// The run: its start (with the plan's totals) and one message per donor commit in one transaction (Wolverine's Marten
/// outbox), so a crash after the commit loses no donor and a crash before it leaves nothing started.
/// </summary>
public static class RunAnnualReceiptsHandler
{
    public static async Task<(AnnualReceiptRunView, OutgoingMessages)> Handle(RunAnnualReceipts command, IDocumentSession session, CancellationToken ct)
    {
        // The same run again (a resent form): started already, nothing new.
        if (await AnnualReceiptPlanning.RunAsync(session, command.RunId, ct) is { } existing) return (AnnualReceiptRunView.Of(existing), []);
        var plan = await AnnualReceiptPlanning.PlanAsync(session, command.AppealId, command.Year, ct);
        var cannotTotal = plan.CannotIssue.Aggregate(Money.Zero, (s, d) => s + d.Total);
        var started = new AnnualReceiptRunStarted(command.RunId, command.AppealId, command.Year, plan.Donors.Count, plan.Gifts, plan.Total,
            plan.CannotIssue.Count, plan.CannotIssue.Sum(d => d.Gifts.Count), cannotTotal, command.StartedAt, command.By);
        session.Events.StartStream<AnnualReceiptRun>(command.RunId, started);
        var messages = new OutgoingMessages();
        messages.AddRange(plan.Donors.Select(d => new IssueAnnualReceipt(command.RunId, command.AppealId, command.Year, d.DonorId, d.DonationIds, d.PrintedDonorId!.Value)));
        return (AnnualReceiptRunView.Of(AnnualReceipts.Evolve(null, started)!), messages);
    }
}

/// <summary>
/// One donor's receipt of a run, through <see cref="ReceiptIssuing"/> (the one way receipts are issued): the donations'
/// streams fetched for writing, the gifts of the year still open decided again now, number and receipt and the run's
/// record of it in one transaction. A message handled twice, or a gift receipted in the meantime, finds the run's record
/// (or the gift covered) and issues nothing again.
/// </summary>
public static class IssueAnnualReceiptHandler
{
    public static async Task<OutgoingMessages> Handle(IssueAnnualReceipt command, IDocumentSession session, ReceiptSettings settings, TimeProvider clock,
        ILogger<IssueAnnualReceipt> logger, CancellationToken ct)
    {
        var runStream = await session.Events.FetchStreamAsync(command.RunId, token: ct);
        if (runStream.Select(e => e.Data).OfType<AnnualReceiptIssued>().Any(e => e.DonorId == command.DonorId)) return [];
        var now = clock.GetUtcNow();

        var streams = await DonationStreams.FetchForWritingAsync(session, command.DonationIds, ct);
        var groups = await DonorGroups.LoadAsync(session, ct);
        // Still the same donor (a merge undone since the preview takes the other record's donations out).
        var donations = streams.Existing.Values.Where(d => d.DonorId is { } id && groups.RootOf(id) == command.DonorId).ToList();
        var gifts = donations.SelectMany(d => ReceiptCoverage.Open(d).Where(p => p.Date.Year == command.Year)).OrderBy(p => p.Date).ToList();
        var profile = await ReceiptIssuing.PrintableDonorAsync(session, command.PrintedDonorId, ct);
        string? number = null;
        if (gifts.Count > 0 && profile is not null)
        {
            var appeal = await ReceiptIssuing.AppealOfAsync(session, command.AppealId, ct);
            number = (await ReceiptIssuing.IssueAsync(session, streams, streams.Existing, [new ReceiptBatch(gifts, null)], true,
                new DateOnly(command.Year, 1, 1), new DateOnly(command.Year, 12, 31), profile, appeal, settings, now, ct)).Single();
        }
        else
        {
            logger.LogInformation("Annual run {Run}: nothing to issue for donor {Donor} ({Gifts} open gifts, address {Address})", command.RunId, command.DonorId,
                gifts.Count, profile is null ? "missing" : "present");
        }
        var total = number is null ? Money.Zero : gifts.Aggregate(Money.Zero, (s, g) => s + g.Amount);
        session.Events.Append(command.RunId, runStream.Count + 1, new AnnualReceiptIssued(command.RunId, command.AppealId, command.DonorId, number,
            number is null ? 0 : gifts.Count, total, now));
        return number is null ? [] : [new DeliverReceipt(number)];
    }
}

public sealed class Configuration : IFeatureConfiguration
{
    public void ConfigureMessaging(WolverineOptions options)
        // The same sequential queue as every other receipt: numbers are taken one transaction at a time per node.
        => options.PublishMessage<IssueAnnualReceipt>().ToLocalQueue("receipts");
}
