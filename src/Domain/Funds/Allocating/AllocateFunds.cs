using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Funds.Allocating;

/// <summary>What a fund holds at the moment of a decision (from the inline fund balances).</summary>
public sealed record FundHolding(Fund Fund, Money Available);

/// <summary>Money taken from one fund for an allocation.</summary>
public sealed record FundDraw(string FundKey, string? MunicipalityId, string? PurposeId, Money Amount)
{
    public Fund Fund => new(MunicipalityId, PurposeId);

    public static FundDraw From(Fund fund, Money amount) => new(fund.Key, fund.MunicipalityId, fund.PurposeId, amount);
}

/// <summary>
/// A committee decision to give money to a municipality, optionally for one purpose.
/// <see cref="SourceFunds"/> empty: the most specific fitting funds are used first.
/// </summary>
public sealed record AllocateFunds(
    Guid AllocationId,
    string AppealId,
    string MunicipalityId,
    string? PurposeId,
    Money Amount,
    string DecisionReference,
    DateOnly DecidedOn,
    IReadOnlyList<Fund> SourceFunds);

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
    DateTimeOffset AllocatedAt);

/// <summary>Refused for lack of money: carries what each fitting fund holds, for the 409 answer.</summary>
public sealed class InsufficientFundsException(Money requested, IReadOnlyList<FundHolding> fitting)
    : Exception($"The fitting funds hold {fitting.Aggregate(Money.Zero, (s, f) => s + Max0(f.Available))}, less than the {requested} requested.")
{
    public Money Requested { get; } = requested;
    public IReadOnlyList<FundHolding> Fitting { get; } = fitting;

    private static Money Max0(Money m) => m.IsNegative ? Money.Zero : m;
}

public static class AllocatingDecision
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

    public static IReadOnlyList<object> Decide(AllocateFunds command, Appeal appeal, IReadOnlyList<FundHolding> holdings, DateTimeOffset now)
    {
        if (appeal.FindMunicipality(command.MunicipalityId) is null)
            throw DomainException.Invalid("municipalityId", $"The appeal does not support municipality '{command.MunicipalityId}'.");
        if (command.PurposeId is { } p && appeal.FindPurpose(p) is null)
            throw DomainException.Invalid("purposeId", $"The appeal does not offer purpose '{p}'.");
        if (!command.Amount.IsPositive) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");

        for (var i = 0; i < command.SourceFunds.Count; i++)
        {
            if (!Fits(command.SourceFunds[i], command.MunicipalityId, command.PurposeId))
                throw DomainException.Invalid($"sourceFunds[{i}]",
                    $"The earmark of fund '{command.SourceFunds[i].Key}' does not permit money for {command.MunicipalityId}{(command.PurposeId is null ? " (any purpose)" : "/" + command.PurposeId)}.");
        }

        var candidates = command.SourceFunds.Count > 0
            ? command.SourceFunds.Select(f => holdings.FirstOrDefault(h => h.Fund == f) ?? new FundHolding(f, Money.Zero)).ToList()
            : holdings.Where(h => Fits(h.Fund, command.MunicipalityId, command.PurposeId))
                .OrderBy(h => Specificity(h.Fund)).ThenBy(h => h.Fund.Key, StringComparer.Ordinal).ToList();

        var draws = new List<FundDraw>();
        var missing = command.Amount;
        foreach (var holding in candidates)
        {
            if (!missing.IsPositive) break;
            if (!holding.Available.IsPositive) continue;
            var take = holding.Available < missing ? holding.Available : missing;
            draws.Add(FundDraw.From(holding.Fund, take));
            missing -= take;
        }
        if (missing.IsPositive) throw new InsufficientFundsException(command.Amount, candidates);

        Invariant.That(draws.Aggregate(Money.Zero, (s, d) => s + d.Amount) == command.Amount, "Draws add up to the allocation.");
        return [new FundsAllocated(command.AllocationId, appeal.Slug, command.MunicipalityId, command.PurposeId, command.Amount, draws,
            command.DecisionReference, command.DecidedOn, now)];
    }
}
