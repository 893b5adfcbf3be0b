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
}
