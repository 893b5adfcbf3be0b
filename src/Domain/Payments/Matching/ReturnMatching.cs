using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Payments;

/// <summary>An earlier payment a return might give back, with its payer (personal data, read outside the event log).</summary>
public sealed record EarlierPayment(Payment Payment, PayerDetails? Payer);

public static class ReturnMatching
{
    /// <summary>
    /// The payment a return gives back. First by the EndToEndId both carry (a SEPA return keeps the original's); then —
    /// when the return names no pledge by RF, which the caller tries in between — by the returned amount together with
    /// the payer's IBAN, then with the payer's name. Only a single candidate counts: two equally good ones leave the
    /// return for the treasurer. Candidates are matched credits of the same appeal booked no later than the return.
    /// </summary>
    public static (Payment Original, MatchMethod Method)? ByEndToEndId(Payment ret, IEnumerable<EarlierPayment> earlier)
    {
        if (ret.EndToEndId is not { } e2e) return null;
        var same = Eligible(ret, earlier).Where(e => e.Payment.EndToEndId == e2e).ToList();
        if (same.Count > 1) same = same.Where(e => e.Payment.Amount == ret.Amount).ToList();
        return same.Count == 1 ? (same[0].Payment, MatchMethod.OriginalPaymentByEndToEndId) : null;
    }

    public static (Payment Original, MatchMethod Method)? ByPayer(Payment ret, PayerDetails? payer, IEnumerable<EarlierPayment> earlier)
    {
        if (payer is null) return null;
        var sameAmount = Eligible(ret, earlier).Where(e => e.Payment.Amount == ret.Amount && e.Payer is not null).ToList();
        if (payer.Iban is { } iban && sameAmount.Where(e => e.Payer!.Iban == iban).ToList() is [var byIban])
            return (byIban.Payment, MatchMethod.OriginalPaymentByPayerIban);
        if (payer.NameKey is { } name && sameAmount.Where(e => e.Payer!.NameKey == name).ToList() is [var byName])
            return (byName.Payment, MatchMethod.OriginalPaymentByPayerName);
        return null;
    }

    private static IEnumerable<EarlierPayment> Eligible(Payment ret, IEnumerable<EarlierPayment> earlier)
        => earlier.Where(e => e.Payment.Kind == PaymentKind.Credit && e.Payment.Status == PaymentStatus.Matched
                              && e.Payment.AppealId == ret.AppealId && e.Payment.Id != ret.Id && e.Payment.BookingDate <= ret.BookingDate)
            .DistinctBy(e => e.Payment.Id);

    /// <summary>
    /// A return given back on the payment it returns: on the same donation, or for a split payment on the same donations
    /// in the same proportions (largest remainder, so the parts add up to the return). <paramref name="donations"/> holds
    /// every donation of the original payment.
    /// </summary>
    public static MatchOutcome GiveBack(Payment ret, Payment original, IReadOnlyDictionary<Guid, Donation> donations, MatchMethod method, string? by,
        DateTimeOffset now)
    {
        Invariant.That(ret.Kind == PaymentKind.Return, "Only a return is given back on an original payment.");
        Invariant.That(original.Parts.Count > 0, "The original payment is matched.");
        var shares = LargestRemainder.Allocate(ret.Amount, original.Parts.Select(p => p.Amount.Cents).ToList());
        var parts = original.Parts.Select((p, i) => new PaymentPart(p.DonationId, shares[i])).Where(p => p.Amount.IsPositive).ToList();
        return parts.Count == 1
            ? PaymentDecider.Decide(new MatchPayment(ret.Id, parts[0].DonationId, method, by, now, original.Id), ret, donations[parts[0].DonationId])
            : PaymentDecider.Decide(new SplitPayment(ret.Id, parts, method, by, now, original.Id), ret, donations);
    }
}
