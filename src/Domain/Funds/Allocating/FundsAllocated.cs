using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Funds.Allocating;

/// <summary>
/// What a fund holds at the moment of a decision (from the inline fund balances): <see cref="Available"/>, of which
/// <see cref="Held"/> is held for donors asked by an open earmark question. Only <see cref="Free"/> may be spent.
/// </summary>
public sealed record FundHolding(Fund Fund, Money Available, Money Held = default)
{
    public Money Free => checked(Available - Held);
}

/// <summary>Money taken from one fund for an allocation.</summary>
public sealed record FundDraw(string FundKey, string? MunicipalityId, string? PurposeId, Money Amount)
{
    public Fund Fund => new(MunicipalityId, PurposeId);

    public static FundDraw From(Fund fund, Money amount) => new(fund.Key, fund.MunicipalityId, fund.PurposeId, amount);
}

/// <summary>The allocation as a fact: first event of the allocation's own stream.</summary>
public sealed record FundsAllocated(
    Guid AllocationId,
    string AppealId,
    string MunicipalityId,
    string? PurposeId,
    Money Amount,
    IReadOnlyList<FundDraw> Draws,
    string DecisionReference,
    DateOnly DecidedOn,
    DateTimeOffset AllocatedAt) : IEventOf<Allocation>, IAllocationEvent, IFundEvent
{
    public IEnumerable<Fund> Funds() => Draws.Select(d => d.Fund);
}

/// <summary>Refused for lack of money: carries what each fitting fund holds, for the 409 answer.</summary>
public sealed class InsufficientFundsException(Money requested, IReadOnlyList<FundHolding> fitting)
    : Exception(Describe(requested, fitting))
{
    private static string Describe(Money requested, IReadOnlyList<FundHolding> fitting)
    {
        var free = fitting.Aggregate(Money.Zero, (s, f) => s + Max0(f.Free));
        var held = fitting.Aggregate(Money.Zero, (s, f) => s + Max0(f.Held));
        return held.IsPositive
            ? $"The fitting funds hold {free} free, less than the {requested} requested; a further {held} is held for an open earmark question (the donors were asked what becomes of it)."
            : $"The fitting funds hold {free}, less than the {requested} requested.";
    }

    /// <summary>What the fitting funds held for open earmark questions, the reason the allocation may have been refused.</summary>
    public Money Held => Fitting.Aggregate(Money.Zero, (s, f) => s + Max0(f.Held));

    public Money Requested { get; } = requested;
    public IReadOnlyList<FundHolding> Fitting { get; } = fitting;

    private static Money Max0(Money m) => m.IsNegative ? Money.Zero : m;
}

/// <summary>Which funds may pay for an allocation, and in which order they are drawn.</summary>
public static class FundSelection
{
    public const int DecisionReferenceLengthMax = 100;

    /// <summary>Most specific first: municipality+purpose, municipality, purpose, general.</summary>
    public static int Specificity(Fund fund) => (fund.MunicipalityId, fund.PurposeId) switch
    {
        ({ }, { }) => 0,
        ({ }, null) => 1,
        (null, { }) => 2,
        _ => 3,
    };

    /// <summary>
    /// Whether money of <paramref name="fund"/> may go to this allocation: the fund's municipality (if any)
    /// is the allocation's, and the fund's purpose (if any) is the allocation's. An allocation without a
    /// purpose may be spent on any purpose, so it cannot draw on purpose-bound funds.
    /// </summary>
    public static bool Fits(Fund fund, string municipalityId, string? purposeId)
        => (fund.MunicipalityId is null || fund.MunicipalityId == municipalityId)
           && (fund.PurposeId is null || fund.PurposeId == purposeId);
}
