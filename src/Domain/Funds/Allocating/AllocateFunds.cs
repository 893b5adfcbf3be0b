using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

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
    IReadOnlyList<Fund> SourceFunds,
    DateTimeOffset AllocatedAt)
{
    /// <summary>The appeal's stream: allocations of one appeal are serialized on it (an exclusive lock).</summary>
    public Guid AppealStreamId => AppealStream.IdFor(AppealId);
}

public static partial class AllocationDecider
{
    /// <summary>
    /// Starts the allocation's stream. <paramref name="holdings"/> is what each fund of the appeal holds, read under the
    /// appeal's lock (DESIGN §3): the draws never exceed it.
    /// </summary>
    public static IReadOnlyList<object> Decide(AllocateFunds command, Appeal? appeal, IReadOnlyList<FundHolding> holdings)
    {
        if (appeal is null) throw DomainException.NotFound($"No appeal '{command.AppealId}'.");
        if (appeal.FindMunicipality(command.MunicipalityId) is null)
            throw DomainException.Invalid("municipalityId", $"The appeal does not support municipality '{command.MunicipalityId}'.");
        if (command.PurposeId is { } p && appeal.FindPurpose(p) is null)
            throw DomainException.Invalid("purposeId", $"The appeal does not offer purpose '{p}'.");
        if (!command.Amount.IsPositive) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");

        for (var i = 0; i < command.SourceFunds.Count; i++)
        {
            if (!FundSelection.Fits(command.SourceFunds[i], command.MunicipalityId, command.PurposeId))
                throw DomainException.Invalid($"sourceFunds[{i}]",
                    $"The earmark of fund '{command.SourceFunds[i].Key}' does not permit money for {command.MunicipalityId}{(command.PurposeId is null ? " (any purpose)" : "/" + command.PurposeId)}.");
        }

        var candidates = command.SourceFunds.Count > 0
            ? command.SourceFunds.Select(f => holdings.FirstOrDefault(h => h.Fund == f) ?? new FundHolding(f, Money.Zero)).ToList()
            : holdings.Where(h => FundSelection.Fits(h.Fund, command.MunicipalityId, command.PurposeId))
                .OrderBy(h => FundSelection.Specificity(h.Fund)).ThenBy(h => h.Fund.Key, StringComparer.Ordinal).ToList();

        var draws = new List<FundDraw>();
        var missing = command.Amount;
        foreach (var holding in candidates)
        {
            if (!missing.IsPositive) break;
            // Money held for donors asked by an open earmark question is not spent elsewhere until they answered.
            var free = holding.Free;
            if (!free.IsPositive) continue;
            var take = free < missing ? free : missing;
            draws.Add(FundDraw.From(holding.Fund, take));
            missing -= take;
        }
        if (missing.IsPositive) throw new InsufficientFundsException(command.Amount, candidates);

        Invariant.That(draws.Aggregate(Money.Zero, (s, d) => s + d.Amount) == command.Amount, "Draws add up to the allocation.");
        return [new FundsAllocated(command.AllocationId, appeal.AppealId, command.MunicipalityId, command.PurposeId, command.Amount, draws,
            command.DecisionReference, command.DecidedOn, command.AllocatedAt)];
    }
}
