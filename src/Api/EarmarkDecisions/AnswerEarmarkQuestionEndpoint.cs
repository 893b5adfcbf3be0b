using FlutHilfe.Api.Donations.Viewing;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.EarmarkDecisions;

/// <summary>
/// The donor's answer. <c>choice</c>: <c>redirect</c> (with <c>municipalityId</c> and/or <c>purposeId</c>), <c>generalFund</c>
/// or <c>refund</c> (to <c>iban</c>, or without it to the account the donation was paid from, which the donor page shows masked).
/// </summary>
public sealed record AnswerEarmarkQuestionRequest(string? Choice, string? MunicipalityId, string? PurposeId, string? Iban, string? AccountHolder);

public sealed record EarmarkAnswerView(Guid DonationId, Guid DecisionId, string Choice, string? ToFund, long AmountCents, string? RefundIbanMasked,
    DateTimeOffset AnsweredAt);

/// <summary>The donor's answer with the refund account it names (checked by the endpoint; stored with the fact).</summary>
public sealed record AnswerWithAccount(Guid DonationId, AnswerEarmarkQuestion Answer, string? Token, string? Iban, string? Holder);

/// <summary>
/// One open or answered question as the donor link shows it (German texts for the page): why (<see cref="Reason"/>, the
/// treasury's words in the decision), what is answered (<see cref="ChoiceText"/>, when) and, for a refund, to which account.
/// </summary>
public sealed record DonorEarmarkQuestion(Guid DecisionId, string Fund, string FundName, long AmountCents, string AmountText, DateOnly AnswerBy, string AnswerByText,
    string DefaultChoice, string DefaultText, string Status, string? Choice, string? ToFund, bool ByDefault, string? PayerIbanMasked, string AnswerUrl,
    string? Reason = null, string? ChoiceText = null, DateTimeOffset? AnsweredAt = null, string? RefundIbanMasked = null);

public static class AnswerEarmarkQuestionEndpoint
{
    public const int HolderLengthMax = 70;

    [WolverinePost("/api/donations/{donationId}/earmark-questions/{decisionId}", OperationId = "answerEarmarkQuestion")]
    [AllowAnonymous]
    [EndpointSummary("Answer what becomes of money whose earmark can no longer be met: redirect, general fund or refund (needs the donor link's token)")]
    [ProducesResponseType<EarmarkAnswerView>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    [ProducesResponseType<ProblemDetails>(409)]
    [ProducesResponseType<ProblemDetails>(422)]
    public static async Task<IResult> Post(Guid donationId, Guid decisionId, string? token, AnswerEarmarkQuestionRequest request, IMessageBus bus,
        TimeProvider clock, CancellationToken ct)
        => Results.Ok(await AnswerAsync(donationId, decisionId, token, request, bus, clock, ct));

    /// <summary>The answer as the API and the donor page send it.</summary>
    public static async Task<EarmarkAnswerView> AnswerAsync(Guid donationId, Guid decisionId, string? token, AnswerEarmarkQuestionRequest request,
        IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var choice = request.Choice switch
        {
            "redirect" => EarmarkChoice.Redirect,
            "generalFund" => EarmarkChoice.GeneralFund,
            "refund" => EarmarkChoice.Refund,
            _ => throw DomainException.Invalid("choice", "choice must be \"redirect\", \"generalFund\" or \"refund\"."),
        };
        Fund? target = null;
        if (choice == EarmarkChoice.Redirect)
        {
            var m = string.IsNullOrWhiteSpace(request.MunicipalityId) ? null : Slug.Require(request.MunicipalityId, "municipalityId");
            var p = string.IsNullOrWhiteSpace(request.PurposeId) ? null : Slug.Require(request.PurposeId, "purposeId");
            target = new Fund(m, p);
        }
        string? iban = null, holder = null;
        if (choice == EarmarkChoice.Refund)
        {
            if (!string.IsNullOrWhiteSpace(request.Iban))
            {
                if (!Iban.TryParse(request.Iban, out var parsed, out var error)) throw DomainException.Invalid("iban", error ?? "Not a valid IBAN.");
                iban = parsed.Value;
            }
            holder = Text.Optional(request.AccountHolder, "accountHolder", HolderLengthMax);
            if (holder is not null) Text.RequireLine(holder, "accountHolder", HolderLengthMax);
        }
        var command = new AnswerWithAccount(donationId, new AnswerEarmarkQuestion(donationId, decisionId, choice, target, clock.GetUtcNow()), token, iban, holder);
        return await bus.InvokeAsync<EarmarkAnswerView>(command, ct);
    }

    /// <summary>A German IBAN as the page shows it: country and check digits, the last four, the rest hidden.</summary>
    public static string Mask(string iban)
        => iban.Length < 8 ? "****" : $"{iban[..4]} **** **** **** **{iban[^4..^2]} {iban[^2..]}";

    /// <summary>The donation's questions as the donor link shows them.</summary>
    public static async Task<IReadOnlyList<DonorEarmarkQuestion>> ForDonorAsync(IQuerySession session, Donation donation, Appeal appeal, string token,
        CancellationToken ct)
    {
        if (donation.EarmarkQuestions.Count == 0) return [];
        var payerIban = await PayerIbanAsync(session, donation, ct);
        var link = Uri.EscapeDataString(token);
        var decisions = (await session.LoadManyAsync<EarmarkDecision>(ct, donation.EarmarkQuestions.Select(q => q.DecisionId).ToArray())).ToDictionary(d => d.Id);
        var refunds = (await session.LoadManyAsync<RefundAccount>(ct, donation.EarmarkQuestions.Where(q => q.Choice == EarmarkChoice.Refund)
            .Select(q => RefundAccount.IdFor(donation.Id, q.DecisionId)).ToArray())).ToDictionary(a => a.DecisionId);
        return donation.EarmarkQuestions.Select(q => new DonorEarmarkQuestion(q.DecisionId, q.FundKey, FundName(appeal, q.FundKey), q.Amount.Cents, q.Amount.ToString(),
            q.AnswerBy, GermanDate.Format(q.AnswerBy), StartEarmarkDecisionEndpoint.Json(q.DefaultChoice), ChoiceText(appeal, q.DefaultChoice, Fund.General.Key),
            q.IsOpen ? "open" : q.ByDefault ? "default" : "answered", q.Choice is { } c ? StartEarmarkDecisionEndpoint.Json(c) : null, q.ToFundKey, q.ByDefault,
            payerIban is null ? null : Mask(payerIban), $"/api/donations/{donation.Id}/earmark-questions/{q.DecisionId}?token={link}",
            decisions.GetValueOrDefault(q.DecisionId)?.Reason, q.Choice is { } chosen ? ChoiceText(appeal, chosen, q.ToFundKey) : null, q.AnsweredAt,
            refunds.GetValueOrDefault(q.DecisionId)?.Iban is { } refundIban ? Mask(refundIban) : null)).ToList();
    }

    /// <summary>The IBAN the donation's latest payment came from (personal-data store), if the bank gave one.</summary>
    public static async Task<string?> PayerIbanAsync(IQuerySession session, Donation donation, CancellationToken ct)
    {
        foreach (var payment in donation.Payments.OrderByDescending(p => p.BookingDate).ThenByDescending(p => p.PaymentId))
            if ((await session.LoadAsync<PayerDetails>(payment.PaymentId, ct))?.Iban is { Length: > 0 } iban) return iban;
        return null;
    }

    /// <summary>A fund in German: "Kommune Stolberg (Rhld.)", "Zweck Weihnachtsfeiern", "allgemeiner Fonds".</summary>
    public static string FundName(Appeal appeal, string fundKey)
    {
        var fund = Fund.FromKey(fundKey);
        var parts = new List<string>();
        if (fund.MunicipalityId is { } m) parts.Add("Kommune " + (appeal.FindMunicipality(m)?.Name ?? m));
        if (fund.PurposeId is { } p) parts.Add("Zweck " + (appeal.FindPurpose(p)?.Name ?? p));
        return parts.Count == 0 ? "allgemeiner Fonds des Aufrufs" : string.Join(", ", parts);
    }

    public static string ChoiceText(Appeal appeal, EarmarkChoice choice, string? toFund) => choice switch
    {
        EarmarkChoice.GeneralFund => "Umwidmung in den allgemeinen Fonds des Aufrufs",
        EarmarkChoice.Redirect => "Umwidmung an " + FundName(appeal, toFund ?? Fund.General.Key),
        _ => "Rückzahlung auf Ihr Konto",
    };
}

/// <summary>
/// On the donation's own stream (optimistic concurrency): the token is checked against the stream's state, the answer
/// decided and the refund account stored with the fact in one commit. A retry with the same answer changes nothing.
/// </summary>
public static class AnswerEarmarkQuestionHandler
{
    public static async Task<(EarmarkAnswerView, OutgoingMessages)> Handle(AnswerWithAccount command,
        [WriteAggregate(nameof(AnswerWithAccount.DonationId), Required = false)] IEventStream<Donation> stream, IDocumentSession session, DonorAccess access, CancellationToken ct)
    {
        var donation = stream.Aggregate;
        var c = command.Answer;
        if (donation is null || !access.Allows(command.Token, donation)) throw DomainException.NotFound("No such donation.");
        var appeal = await session.LoadAsync<Appeal>(AppealStream.IdFor(donation.AppealId), ct)
                     ?? throw new InvalidOperationException($"Donation {donation.Id} refers to a missing appeal.");
        var events = EarmarkDecider.Decide(c, donation, appeal);
        string? iban = null;
        if (c.Choice == EarmarkChoice.Refund)
        {
            var accountId = RefundAccount.IdFor(donation.Id, c.DecisionId);
            var stored = await session.LoadAsync<RefundAccount>(accountId, ct);
            if (events.Count > 0)
            {
                var fromPayment = command.Iban is null;
                iban = command.Iban ?? await AnswerEarmarkQuestionEndpoint.PayerIbanAsync(session, donation, ct)
                       ?? throw DomainException.Invalid("iban", "No account is known from your payment: please give the IBAN for the refund.");
                session.Store(new RefundAccount { Id = accountId, DonationId = donation.Id, DecisionId = c.DecisionId, Iban = iban, Holder = command.Holder, FromPayment = fromPayment });
            }
            else iban = stored?.Iban;
        }
        stream.AppendMany(events);
        var after = donation.After(events, DonationDecider.Evolve)!;
        var q = after.EarmarkQuestions.Single(x => x.DecisionId == c.DecisionId);
        // The receipts that stated refunded money are cancelled and what stays receipted again, through the outbox with this
        // commit (a retried answer decides nothing, so nothing is cancelled twice).
        var messages = new OutgoingMessages();
        messages.AddRange(ReceiptTriggers.After(after, events));
        return (new EarmarkAnswerView(donation.Id, c.DecisionId, StartEarmarkDecisionEndpoint.Json(q.Choice!.Value), q.ToFundKey, q.Amount.Cents,
            iban is null ? null : AnswerEarmarkQuestionEndpoint.Mask(iban), q.AnsweredAt!.Value), messages);
    }
}
