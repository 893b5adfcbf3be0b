using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.EarmarkDecisions;

/// <summary>What a donor may choose when an earmark can no longer be met (DESIGN §7a).</summary>
public enum EarmarkChoice
{
    /// <summary>To another municipality and/or purpose of the appeal.</summary>
    Redirect,
    /// <summary>To the general fund (any municipality, any child purpose).</summary>
    GeneralFund,
    /// <summary>Back to the donor's account.</summary>
    Refund,
}

/// <summary>One donation's part of a decision.</summary>
public sealed record EarmarkShare(Guid DonationId, Money Amount);

/// <summary>
/// The treasury starts a decision: <see cref="Amount"/> of the fund <see cref="FundKey"/> can no longer be used as earmarked.
/// </summary>
public sealed record StartEarmarkDecision(Guid DecisionId, string AppealId, Fund Fund, Money Amount, string Reason, EarmarkTerms Terms,
    IReadOnlyDictionary<Guid, bool> Mailable, DateTimeOffset Now)
{
    public Guid AppealStreamId => Appeals.AppealStream.IdFor(AppealId);
}

/// <summary>
/// How long donors have to answer (<see cref="AnswerDays"/> German calendar days after the day the decision started, the
/// deadline day included), when they are reminded (<see cref="ReminderDaysBefore"/> before the deadline) and what applies
/// without an answer.
/// </summary>
public sealed record EarmarkTerms(int AnswerDays, int ReminderDaysBefore, EarmarkChoice DefaultChoice)
{
    public static readonly EarmarkTerms Default = new(42, 7, EarmarkChoice.GeneralFund);

    public string? Problem()
        => AnswerDays is < 7 or > 365 ? "EarmarkDecisions:AnswerDays must lie between 7 and 365."
            : ReminderDaysBefore < 1 || ReminderDaysBefore >= AnswerDays ? "EarmarkDecisions:ReminderDaysBefore must be at least 1 and less than AnswerDays."
            : DefaultChoice != EarmarkChoice.GeneralFund ? "EarmarkDecisions:DefaultChoice must be GeneralFund (a refund needs an account the donor confirmed)."
            : null;
}

/// <summary>
/// A decision was started: the affected donations and their shares by <see cref="Rule"/> (the shares add up to
/// <see cref="Amount"/>), the last day to answer and the default that applies after it.
/// </summary>
public sealed record EarmarkDecisionStarted(Guid DecisionId, string AppealId, string FundKey, Money Amount, string Reason, string Rule,
    IReadOnlyList<EarmarkShare> Shares, DateOnly AnswerBy, DateOnly RemindOn, EarmarkChoice DefaultChoice, DateTimeOffset StartedAt)
    : IEventOf<EarmarkDecision>, IAppealEvent;

/// <summary>
/// The donor of a donation is asked what becomes of <see cref="Amount"/> of its money in <see cref="FundKey"/>. A fund event:
/// the money stays in the fund but is held for the donor (spent on nothing else) until the question is answered.
/// </summary>
public sealed record EarmarkQuestionAsked(Guid DonationId, string AppealId, Guid DecisionId, string FundKey, Money Amount, DateOnly AnswerBy,
    DateOnly RemindOn, EarmarkChoice DefaultChoice, bool Mailed, DateTimeOffset AskedAt) : IEventOf<Donation>, IFundEvent
{
    public IEnumerable<Fund> Funds() => [Fund.FromKey(FundKey)];
}

/// <summary>The donor was reminded of the open question (<see cref="Mailed"/>: a mail went to the outbox). Once per question.</summary>
public sealed record EarmarkQuestionReminded(Guid DonationId, string AppealId, Guid DecisionId, bool Mailed, DateTimeOffset RemindedAt) : IEventOf<Donation>;

/// <summary>
/// The question was answered (by the donor, or by the appeal's default after the deadline: <see cref="ByDefault"/>). A
/// redirection moves the money from <see cref="FromFundKey"/> to <see cref="ToFundKey"/> (confirmed there); a refund takes
/// it out of the fund at once (refunded: committed to the donor like an ordered transfer, paid by the treasury's payment file).
/// </summary>
public sealed record EarmarkQuestionAnswered(Guid DonationId, string AppealId, Guid DecisionId, string FromFundKey, Money Amount, EarmarkChoice Choice,
    string? ToFundKey, bool ByDefault, DateTimeOffset AnsweredAt) : IEventOf<Donation>, IFundEvent
{
    public IEnumerable<Fund> Funds() => ToFundKey is null ? [Fund.FromKey(FromFundKey)] : [Fund.FromKey(FromFundKey), Fund.FromKey(ToFundKey)];
}

/// <summary>An earmark question on a donation, as the donation's state keeps it.</summary>
public sealed record EarmarkQuestion(Guid DecisionId, string FundKey, Money Amount, DateOnly AnswerBy, DateOnly RemindOn, EarmarkChoice DefaultChoice,
    DateTimeOffset AskedAt, DateTimeOffset? RemindedAt = null, EarmarkChoice? Choice = null, string? ToFundKey = null, bool ByDefault = false,
    DateTimeOffset? AnsweredAt = null)
{
    public bool IsOpen => Choice is null;
}

public sealed record EarmarkDecision
{
    public Guid Id { get; init; }
    public string AppealId { get; init; } = "";
    public string FundKey { get; init; } = "";
    public Money Amount { get; init; }
    public string Reason { get; init; } = "";
    public string Rule { get; init; } = "";
    public IReadOnlyList<EarmarkShare> Shares { get; init; } = [];
    public DateOnly AnswerBy { get; init; }
    public EarmarkChoice DefaultChoice { get; init; }
    public DateTimeOffset StartedAt { get; init; }
}

/// <summary>A donor's answer, as the donor page and the API send it.</summary>
public sealed record AnswerEarmarkQuestion(Guid DonationId, Guid DecisionId, EarmarkChoice Choice, Fund? Target, DateTimeOffset Now);

/// <summary>Let the appeal's default answer an open question whose deadline has passed.</summary>
public sealed record ApplyEarmarkDefault(Guid DonationId, Guid DecisionId, DateTimeOffset Now);

/// <summary>Remind the donor of an open question from its reminder day until its deadline.</summary>
public sealed record RemindEarmarkQuestion(Guid DonationId, Guid DecisionId, bool Mailed, DateTimeOffset Now);

/// <summary>
/// Decisions about earmarks that can no longer be met. The share rule is declared and recorded in the fact:
/// <see cref="LatestFirst"/>.
/// </summary>
public static class EarmarkDecider
{
    /// <summary>
    /// The rule recorded in <see cref="EarmarkDecisionStarted.Rule"/>: the money still held in the fund is taken from the
    /// donations paid last first (latest booking date, then id), each up to what it still holds there. This mirrors the FIFO
    /// attribution of allocations (the earliest money of a fund is spent first, so what is left is the latest), and asks as
    /// few donors as possible; the last donation asked may give only part of what it holds. The shares add up to the amount.
    /// </summary>
    public const string LatestFirst = "latest-first";

    public static EarmarkDecision? Evolve(EarmarkDecision? decision, object @event) => @event switch
    {
        EarmarkDecisionStarted e => new EarmarkDecision
        {
            Id = e.DecisionId, AppealId = e.AppealId, FundKey = e.FundKey, Amount = e.Amount, Reason = e.Reason, Rule = e.Rule, Shares = e.Shares,
            AnswerBy = e.AnswerBy, DefaultChoice = e.DefaultChoice, StartedAt = e.StartedAt,
        },
        _ => decision,
    };

    /// <summary>What a donation still holds in a fund: its net payments there, minus what questions took out, plus what was redirected in.</summary>
    public static Money HeldIn(Donation d, string fundKey)
    {
        var net = d.NetAllocation.Where(a => a.Fund.Key == fundKey).Aggregate(Money.Zero, (s, a) => s + a.Amount);
        var asked = d.EarmarkQuestions.Where(q => q.FundKey == fundKey).Aggregate(Money.Zero, (s, q) => s + q.Amount);
        var redirectedIn = d.EarmarkQuestions.Where(q => q.ToFundKey == fundKey).Aggregate(Money.Zero, (s, q) => s + q.Amount);
        return checked(net - asked + redirectedIn);
    }

    /// <summary>The shares by <see cref="LatestFirst"/>; null when the donations hold less than the amount.</summary>
    public static IReadOnlyList<EarmarkShare>? Shares(IEnumerable<Donation> donations, string fundKey, Money amount)
    {
        var shares = new List<EarmarkShare>();
        var left = amount;
        foreach (var d in donations
                     .Select(d => (Donation: d, Held: HeldIn(d, fundKey)))
                     .Where(x => x.Held.IsPositive)
                     .OrderByDescending(x => x.Donation.Payments.Count == 0 ? DateOnly.MinValue : x.Donation.Payments.Max(p => p.BookingDate))
                     .ThenByDescending(x => x.Donation.Id))
        {
            if (!left.IsPositive) break;
            var take = d.Held < left ? d.Held : left;
            shares.Add(new EarmarkShare(d.Donation.Id, take));
            left -= take;
        }
        return left.IsPositive ? null : shares;
    }

    /// <summary>
    /// Start a decision: the fund must be an earmark (not the general fund), the amount positive and at most what the fund has
    /// available beyond what open questions already hold (<paramref name="held"/>) and what its donations hold. Returns the
    /// decision's fact and one question per affected donation.
    /// </summary>
    public static (EarmarkDecisionStarted Started, IReadOnlyList<EarmarkQuestionAsked> Questions) Decide(StartEarmarkDecision c, Appeals.Appeal? appeal,
        Money available, Money held, IEnumerable<Donation> donations)
    {
        if (appeal is null) throw DomainException.NotFound($"No appeal '{c.AppealId}'.");
        if (c.Fund == Fund.General) throw DomainException.Invalid("municipalityId", "The general fund has no earmark to decide on: name a municipality or a purpose.");
        if (c.Fund.MunicipalityId is { } m && appeal.FindMunicipality(m) is null) throw DomainException.Invalid("municipalityId", $"The appeal has no municipality '{m}'.");
        if (c.Fund.PurposeId is { } p && appeal.FindPurpose(p) is null) throw DomainException.Invalid("purposeId", $"The appeal has no purpose '{p}'.");
        if (!c.Amount.IsPositive) throw DomainException.Invalid("amountCents", "amountCents must be positive.");
        var free = checked(available - held);
        if (c.Amount > free)
            throw DomainException.Conflict(held.IsPositive
                ? $"The fund {c.Fund.Key} has {available} available, of which {held} is held for an open earmark question: {Nonnegative(free)} is free, less than {c.Amount}."
                : $"The fund {c.Fund.Key} has {available} available, less than {c.Amount}.", "amountCents");
        var shares = Shares(donations, c.Fund.Key, c.Amount)
                     ?? throw DomainException.Conflict($"The donations of the fund {c.Fund.Key} hold less than {c.Amount} not yet under a decision.", "amountCents");
        var today = GermanDate.DayOf(c.Now);
        var answerBy = today.AddDays(c.Terms.AnswerDays);
        var remindOn = answerBy.AddDays(-c.Terms.ReminderDaysBefore);
        var started = new EarmarkDecisionStarted(c.DecisionId, c.AppealId, c.Fund.Key, c.Amount, c.Reason, LatestFirst, shares, answerBy, remindOn,
            c.Terms.DefaultChoice, c.Now);
        var questions = shares.Select(s => new EarmarkQuestionAsked(s.DonationId, c.AppealId, c.DecisionId, c.Fund.Key, s.Amount, answerBy, remindOn,
            c.Terms.DefaultChoice, c.Mailable.GetValueOrDefault(s.DonationId), c.Now)).ToList();
        return (started, questions);
    }

    private static Money Nonnegative(Money m) => m.IsNegative ? Money.Zero : m;

    /// <summary>
    /// The donor answers. The same answer again decides nothing (a retry); another answer after one was given, or any answer
    /// after the deadline day, is a conflict. A redirection names a fund of the appeal other than the one in question.
    /// </summary>
    public static IReadOnlyList<object> Decide(AnswerEarmarkQuestion c, Donation? donation, Appeals.Appeal appeal)
    {
        var q = donation?.EarmarkQuestions.FirstOrDefault(x => x.DecisionId == c.DecisionId) ?? throw DomainException.NotFound("No such question.");
        var target = c.Choice switch
        {
            EarmarkChoice.GeneralFund => Fund.General,
            EarmarkChoice.Redirect => c.Target ?? throw DomainException.Invalid("municipalityId", "A redirection names a municipality or a purpose."),
            _ => null,
        };
        if (c.Choice == EarmarkChoice.Redirect)
        {
            if (target == Fund.General) throw DomainException.Invalid("choice", "For the general fund choose \"generalFund\".");
            if (target!.MunicipalityId is { } m && appeal.FindMunicipality(m) is null) throw DomainException.Invalid("municipalityId", $"The appeal has no municipality '{m}'.");
            if (target.PurposeId is { } p && appeal.FindPurpose(p) is null) throw DomainException.Invalid("purposeId", $"The appeal has no purpose '{p}'.");
        }
        if (target is not null && target.Key == q.FundKey)
            throw DomainException.Invalid("municipalityId", "The money cannot be redirected to the fund whose earmark cannot be met.");
        if (!q.IsOpen)
        {
            if (!q.ByDefault && q.Choice == c.Choice && q.ToFundKey == target?.Key) return [];
            throw DomainException.Conflict(q.ByDefault
                ? $"The deadline {GermanDate.Format(q.AnswerBy)} passed: the appeal's default applied."
                : "This question was already answered otherwise.", "choice");
        }
        if (GermanDate.DayOf(c.Now) > q.AnswerBy)
            throw DomainException.Conflict($"The deadline to answer was {GermanDate.Format(q.AnswerBy)}.", "choice");
        return [new EarmarkQuestionAnswered(donation!.Id, donation.AppealId, q.DecisionId, q.FundKey, q.Amount, c.Choice, target?.Key, false, c.Now)];
    }

    /// <summary>After the deadline day, an open question gets the default it was asked with. Early or answered: nothing.</summary>
    public static IReadOnlyList<object> Decide(ApplyEarmarkDefault c, Donation? donation)
    {
        var q = donation?.EarmarkQuestions.FirstOrDefault(x => x.DecisionId == c.DecisionId);
        if (q is not { IsOpen: true } || GermanDate.DayOf(c.Now) <= q.AnswerBy) return [];
        var target = q.DefaultChoice == EarmarkChoice.GeneralFund ? Fund.General.Key : null;
        return [new EarmarkQuestionAnswered(donation!.Id, donation.AppealId, q.DecisionId, q.FundKey, q.Amount, q.DefaultChoice, target, true, c.Now)];
    }

    /// <summary>From the reminder day to the deadline day, once, while the question is open.</summary>
    public static IReadOnlyList<object> Decide(RemindEarmarkQuestion c, Donation? donation)
    {
        var q = donation?.EarmarkQuestions.FirstOrDefault(x => x.DecisionId == c.DecisionId);
        var today = GermanDate.DayOf(c.Now);
        if (q is not { IsOpen: true, RemindedAt: null } || today < q.RemindOn || today > q.AnswerBy) return [];
        return [new EarmarkQuestionReminded(donation!.Id, donation.AppealId, q.DecisionId, c.Mailed, c.Now)];
    }

    /// <summary>The donation's questions after one of their facts.</summary>
    public static IReadOnlyList<EarmarkQuestion> EvolveQuestions(IReadOnlyList<EarmarkQuestion> questions, object @event) => @event switch
    {
        EarmarkQuestionAsked e => [.. questions, new EarmarkQuestion(e.DecisionId, e.FundKey, e.Amount, e.AnswerBy, e.RemindOn, e.DefaultChoice, e.AskedAt)],
        EarmarkQuestionReminded e => questions.Select(q => q.DecisionId == e.DecisionId ? q with { RemindedAt = e.RemindedAt } : q).ToList(),
        EarmarkQuestionAnswered e => questions.Select(q => q.DecisionId == e.DecisionId
            ? q with { Choice = e.Choice, ToFundKey = e.ToFundKey, ByDefault = e.ByDefault, AnsweredAt = e.AnsweredAt } : q).ToList(),
        _ => questions,
    };
}
