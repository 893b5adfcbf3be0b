using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Payments;

/// <summary>What the references a transfer names say: book it on one donation, split it, or queue it with proposals.</summary>
public sealed record ReferenceResolution(Donation? Single, MatchMethod? Method, IReadOnlyList<(Donation Donation, Money Amount)>? Split, IReadOnlyList<Donation> Named)
{
    public static readonly ReferenceResolution None = new(null, null, null, []);

    /// <summary>Several pledges were named but the transfer cannot be split exactly: the treasurer decides.</summary>
    public bool WaitsForTreasurer => Single is null && Split is null && Named.Count > 0;
}

/// <summary>The automatic matching rules: which pledges the references of a transfer name, in the order of trust.</summary>
public static class MatchingDecision
{
    /// <summary>
    /// The references to look a donation up by, in the order of trust (DESIGN §5): the structured RF,
    /// then an RF the donor typed into the free text, then the EndToEndId.
    /// </summary>
    public static IEnumerable<(string Reference, MatchMethod Method)> Candidates(Payment payment)
    {
        if (Normalize(payment.StructuredReference) is { } structured) yield return (structured, MatchMethod.StructuredReference);
        if (payment.ReferenceInText is { } inText) yield return (inText, MatchMethod.ReferenceInRemittanceText);
        if (Normalize(payment.EndToEndId) is { } endToEnd) yield return (endToEnd, MatchMethod.EndToEndId);
    }

    /// <summary>RF references compare in electronic form; anything that is not a valid RF cannot match.</summary>
    public static string? Normalize(string? reference)
        => CreditorReference.TryParse(reference, out var parsed, out _) ? parsed.Value : null;

    /// <summary>
    /// Resolves the references a transfer names against the donations that exist (<paramref name="byReference"/>).
    /// One named pledge: booked on it (as before). Several: split across them when their outstanding amounts add up to
    /// the transfer exactly, each part its outstanding amount; otherwise the transfer waits with the named pledges as
    /// proposals. Never is the whole booked on the first reference. A named, valid reference that matches no pledge
    /// (and is not merely a longer or shorter reading of one that does) also sends the transfer to the treasurer.
    /// Without any named pledge the EndToEndId may still carry an RF.
    /// </summary>
    public static ReferenceResolution Resolve(Payment payment, IReadOnlyDictionary<string, Donation> byReference)
    {
        var named = new List<Donation>();
        var unknown = new List<string>();
        foreach (var reference in payment.NamedReferences.Concat(Candidates(payment).Where(c => c.Method != MatchMethod.EndToEndId).Select(c => c.Reference)).Distinct())
        {
            if (byReference.TryGetValue(reference, out var donation) && donation.AppealId == payment.AppealId)
            {
                if (named.All(d => d.Id != donation.Id)) named.Add(donation);
            }
            else unknown.Add(reference);
        }
        unknown.RemoveAll(u => named.Any(d => d.Reference.StartsWith(u, StringComparison.Ordinal) || u.StartsWith(d.Reference, StringComparison.Ordinal)));

        if (named.Count == 0)
        {
            return Normalize(payment.EndToEndId) is { } e2e && byReference.TryGetValue(e2e, out var byE2e) && byE2e.AppealId == payment.AppealId
                ? new ReferenceResolution(byE2e, MatchMethod.EndToEndId, null, [])
                : ReferenceResolution.None;
        }
        if (named.Count == 1 && unknown.Count == 0)
        {
            return new ReferenceResolution(named[0], MethodFor(payment, named[0].Reference), null, []);
        }
        if (payment.Kind == PaymentKind.Credit && unknown.Count == 0 && named.All(d => d.Outstanding.IsPositive)
            && named.Aggregate(Money.Zero, (sum, d) => sum + d.Outstanding) == payment.Amount)
        {
            return new ReferenceResolution(null, MatchMethod.SplitByReferences, named.Select(d => (d, d.Outstanding)).ToList(), named);
        }
        return new ReferenceResolution(null, null, null, named);
    }

    private static MatchMethod MethodFor(Payment payment, string reference)
        => Normalize(payment.StructuredReference) == reference ? MatchMethod.StructuredReference
            : payment.ReferenceInText == reference ? MatchMethod.ReferenceInRemittanceText
            : MatchMethod.StructuredReference;
}
