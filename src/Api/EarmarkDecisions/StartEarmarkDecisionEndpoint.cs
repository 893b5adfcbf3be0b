using FlutHilfe.Api.Donations;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Funds;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.EarmarkDecisions;

public sealed record StartEarmarkDecisionRequest(string? MunicipalityId, string? PurposeId, long? AmountCents, string? Reason, Guid? DecisionId);

public sealed record EarmarkShareView(Guid DonationId, long AmountCents, string Status, string? Choice, string? ToFund, bool ByDefault, DateTimeOffset? AnsweredAt,
    DateTimeOffset? RemindedAt);

public sealed record EarmarkDecisionView(Guid DecisionId, string AppealId, string Fund, long AmountCents, string Reason, string Rule, DateOnly AnswerBy,
    string DefaultChoice, DateTimeOffset StartedAt, IReadOnlyList<EarmarkShareView> Shares, long OpenCents, long RedirectedCents, long RefundedCents);

/// <summary>Start a decision on an earmark that cannot be met (treasurer), and read it back (treasurer, auditor).</summary>
public static class StartEarmarkDecisionEndpoint
{
    public const int ReasonLengthMax = 1_000;

    [WolverinePost("/api/appeals/{appealId}/earmark-decisions", OperationId = "startEarmarkDecision")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Start a decision on money whose earmark can no longer be met: the donors are asked (treasurer)")]
    [ProducesResponseType<EarmarkDecisionView>(201)]
    [ProducesResponseType<ProblemDetails>(409)]
    [ProducesResponseType<ProblemDetails>(422)]
    public static async Task<IResult> Post(string appealId, StartEarmarkDecisionRequest request, IMessageBus bus, IQuerySession session,
        EarmarkDecisionSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var municipality = string.IsNullOrWhiteSpace(request.MunicipalityId) ? null : Slug.Require(request.MunicipalityId, "municipalityId");
        var purpose = string.IsNullOrWhiteSpace(request.PurposeId) ? null : Slug.Require(request.PurposeId, "purposeId");
        var amount = new Money(request.AmountCents ?? throw DomainException.Invalid("amountCents", "amountCents is required."));
        var reason = Text.Require(request.Reason, "reason", ReasonLengthMax);
        if (request.DecisionId == Guid.Empty) throw DomainException.Invalid("decisionId", "decisionId must not be the empty UUID.");
        Appeals.AppealLookup.Require(appealId);
        var command = new StartEarmarkDecision(request.DecisionId ?? Guid.CreateVersion7(now), appealId, new Fund(municipality, purpose), amount, reason,
            settings.Terms, new Dictionary<Guid, bool>(), now);
        var decision = await bus.InvokeAsync<EarmarkDecision>(command, ct);
        return Results.Created($"/api/earmark-decisions/{decision.Id}", await ViewAsync(session, decision, ct));
    }

    [WolverineGet("/api/earmark-decisions/{decisionId}", OperationId = "getEarmarkDecision")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("An earmark decision with each donation's share and answer (treasurer, auditor)")]
    [ProducesResponseType<EarmarkDecisionView>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<IResult> Get(Guid decisionId, IQuerySession session, CancellationToken ct)
    {
        var decision = await session.LoadAsync<EarmarkDecision>(decisionId, ct) ?? throw DomainException.NotFound("No such earmark decision.");
        return Results.Ok(await ViewAsync(session, decision, ct));
    }

    public static async Task<EarmarkDecisionView> ViewAsync(IQuerySession session, EarmarkDecision decision, CancellationToken ct)
    {
        var donations = (await session.LoadManyAsync<Donation>(ct, decision.Shares.Select(s => s.DonationId).ToArray())).ToDictionary(d => d.Id);
        var shares = decision.Shares.Select(s =>
        {
            var q = donations.GetValueOrDefault(s.DonationId)?.EarmarkQuestions.FirstOrDefault(x => x.DecisionId == decision.Id);
            var status = q is null ? "unknown" : q.IsOpen ? "open" : q.ByDefault ? "default" : "answered";
            return new EarmarkShareView(s.DonationId, s.Amount.Cents, status, q?.Choice is { } c ? Json(c) : null, q?.ToFundKey, q?.ByDefault ?? false,
                q?.AnsweredAt, q?.RemindedAt);
        }).ToList();
        long Sum(Func<EarmarkShareView, bool> which) => shares.Where(which).Sum(s => s.AmountCents);
        return new EarmarkDecisionView(decision.Id, decision.AppealId, decision.FundKey, decision.Amount.Cents, decision.Reason, decision.Rule, decision.AnswerBy,
            Json(decision.DefaultChoice), decision.StartedAt, shares, Sum(s => s.Status == "open"),
            Sum(s => s.Choice is "redirect" or "generalFund"), Sum(s => s.Choice == "refund"));
    }

    public static string Json(EarmarkChoice choice) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(choice.ToString());
}

/// <summary>What the decision needs besides the locked appeal: the fund's balance, its donations, whether each donor can be mailed.</summary>
/// <summary><see cref="Held"/>: what open questions already hold of the fund's <see cref="Available"/> money.</summary>
/// <summary><see cref="Streams"/>: the affected donations fetched for writing, so each question is appended with optimistic
/// concurrency (a receipt issued meanwhile on one of them fails this commit, and the retry reads it, instead of the question's
/// inline snapshot overwriting the receipt's).</summary>
public sealed record EarmarkDecisionInputs(EarmarkDecision? Existing, Money Available, Money Held, IReadOnlyList<Donation> Donations, IReadOnlyDictionary<Guid, bool> Mailable,
    DonationStreams? Streams = null);

/// <summary>
/// Serialized with allocations on the appeal's stream (<c>ConcurrencyStyle.Exclusive</c>): two decisions, or a decision and an
/// allocation, never read the same money. The decision's stream is started and each affected donation's stream gets its
/// question in the same commit, with the question mails (outbox).
/// </summary>
public static class StartEarmarkDecisionHandler
{
    public static async Task<EarmarkDecisionInputs> LoadAsync(StartEarmarkDecision command, IEventStream<Appeal> appeal, IDocumentSession session,
        IReceiptMailer mailer, CancellationToken ct)
    {
        var existing = await session.LoadAsync<EarmarkDecision>(command.DecisionId, ct);
        if (existing is not null) return new EarmarkDecisionInputs(existing, Money.Zero, Money.Zero, [], new Dictionary<Guid, bool>());
        var balance = await session.LoadAsync<FundBalance>(FundBalance.IdFor(command.AppealId, command.Fund), ct);
        // Donations that ever received money are the candidates (a rare treasury decision: read in memory).
        var donations = await session.Query<Donation>().Where(d => d.AppealId == command.AppealId && d.ReceivedCents > 0).ToListAsync(ct);
        var candidates = donations.Where(d => EarmarkDecider.HeldIn(d, command.Fund.Key).IsPositive).Select(d => d.Id).ToList();
        var streams = await DonationStreams.FetchForWritingAsync(session, candidates, ct);
        var holding = candidates.Where(streams.Existing.ContainsKey).Select(id => streams.Existing[id])
            .Where(d => EarmarkDecider.HeldIn(d, command.Fund.Key).IsPositive).ToList();
        var records = await DonorProfiles.LoadManyAsync(session, holding.Where(d => d.DonorId is not null).Select(d => d.DonorId!.Value), ct);
        var mailable = holding.ToDictionary(d => d.Id,
            d => mailer.Enabled && d.DonorId is { } id && records.Profiles.GetValueOrDefault(id)?.Email is not null);
        return new EarmarkDecisionInputs(null, balance?.Available ?? Money.Zero, balance?.Held ?? Money.Zero, holding, mailable, streams);
    }

    public static (IMartenOp, OutgoingMessages, EarmarkDecision) Handle(StartEarmarkDecision command,
        [WriteAggregate(nameof(StartEarmarkDecision.AppealStreamId), Required = false, LoadStyle = Wolverine.Marten.ConcurrencyStyle.Exclusive)] IEventStream<Appeal> appeal,
        EarmarkDecisionInputs inputs, IDocumentSession session)
    {
        if (inputs.Existing is { } existing) return (MartenOps.Nothing(), [], existing);
        var (started, questions) = EarmarkDecider.Decide(command with { Mailable = inputs.Mailable }, appeal.Aggregate, inputs.Available, inputs.Held, inputs.Donations);
        var messages = new OutgoingMessages();
        foreach (var q in questions)
        {
            inputs.Streams![q.DonationId].AppendOne(q);
            if (q.Mailed) messages.Add(new MailEarmarkQuestion(q.DonationId, q.DecisionId, Reminder: false));
        }
        return (MartenOps.StartStream<EarmarkDecision>(command.DecisionId, started), messages, EarmarkDecider.Evolve(null, started)!);
    }
}
