using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Receipts.Issuing;

/// <summary>The amount as a receipt writes it in words ("– in Buchstaben –"), e.g. "fünfzig Euro". A pure function supplied by
/// the documents adapter, so the decision states the words without a language library.</summary>
public delegate string AmountInWords(Money amount);

/// <summary>
/// Everything about a receipt that is neither the donor nor the number: wording, the machine-receipt note as printed, and
/// how amounts are written in words.
/// </summary>
public sealed record ReceiptTerms(string PurposeText, string Place, string TemplateVersion, string? MachineNote, AmountInWords InWords);

/// <summary>A number taken from the yearly counter.</summary>
public sealed record ReceiptNumbering(string Number, int Year, int Sequence);

/// <summary>The donor a receipt is made out to: the id and the name and address as printed, encrypted with the donor's key.</summary>
public sealed record ReceiptHolder(Guid DonorId, string ProtectedDonor);

public static class ReceiptDecision
{
    public const int CollectiveDonationsMax = 500;
    public const int LinesMax = 2_000;

    /// <summary>Whether the donation has money that no valid receipt states; null when it has, else the reason.</summary>
    public static string? WhyNot(Donation donation)
    {
        if (ReceiptCoverage.Open(donation).Count > 0) return null;
        if (donation.Payments.Count == 0 || !donation.Net.IsPositive) return "No money has arrived for this donation (yet).";
        return $"Every payment of this donation is already on a valid receipt ({donation.ReceiptNumber}).";
    }

    /// <summary>
    /// A receipt over payments: a single Zuwendungsbestätigung for one payment, a Sammelbestätigung (annex listing each
    /// payment, total = receipt amount, period = first to last payment unless given) for several or when asked for.
    /// </summary>
    public static ReceiptIssued Issue(IReadOnlyList<ReceiptablePayment> payments, bool collective, DateOnly? periodFrom, DateOnly? periodTo, Appeal appeal,
        PrintedUse use, ReceiptNumbering numbering, ReceiptHolder holder, ReceiptTerms terms, string? replacesNumber, DateTimeOffset now, DateOnly issuedOn)
    {
        Invariant.That(payments.Count > 0, "A receipt states at least one payment.");
        Invariant.That(payments.Count <= LinesMax, "A receipt states a bounded number of payments.");
        Invariant.That(payments.All(p => p.Amount.IsPositive), "A receipt states only money that stayed with us.");
        Invariant.That(payments.Select(p => p.PaymentId).Distinct().Count() == payments.Count, "A payment appears once on a receipt.");
        var lines = payments.OrderBy(p => p.Date).Select(p => p.ToLine()).ToList();
        var total = lines.Aggregate(Money.Zero, (s, l) => s + l.Amount);
        var kind = collective || lines.Count > 1 ? ReceiptKind.Collective : ReceiptKind.Single;
        DateOnly? from = kind == ReceiptKind.Collective ? periodFrom ?? lines[0].Date : null;
        DateOnly? to = kind == ReceiptKind.Collective ? periodTo ?? lines[^1].Date : null;
        if (from is { } f && to is { } t) Invariant.That(lines.All(l => l.Date >= f && l.Date <= t), "Every payment lies within the receipt's period.");

        return new ReceiptIssued(numbering.Number, numbering.Year, numbering.Sequence, kind, appeal.AppealId, lines, total, terms.InWords(total), lines[0].Date,
            from, to, holder.DonorId, holder.ProtectedDonor, appeal.Issuer, terms.PurposeText, terms.Place, issuedOn,
            appeal.ReceiptSignatory, false, terms.TemplateVersion, replacesNumber, now, use, terms.MachineNote);
    }

    /// <summary>
    /// A Sammelbestätigung the treasurer asks for: the payments of the given donations that lie within the period and that
    /// no valid receipt states yet (optionally only <paramref name="paymentIds"/>). A donation with nothing left to
    /// receipt is a conflict; one paid only outside the period is invalid input.
    /// </summary>
    public static IReadOnlyList<ReceiptablePayment> CollectivePayments(IReadOnlyList<Donation> donations, Appeal appeal, DateOnly from, DateOnly to, IReadOnlyCollection<Guid>? paymentIds)
    {
        if (donations.Count == 0) throw DomainException.Invalid("donationIds", "A collective receipt needs at least one donation.");
        if (donations.Count > CollectiveDonationsMax) throw DomainException.Invalid("donationIds", $"At most {CollectiveDonationsMax} donations.");
        if (from > to) throw DomainException.Invalid("to", "The period ends before it starts.");
        if (paymentIds is not null)
        {
            var known = donations.SelectMany(d => d.Payments).Select(p => p.PaymentId).ToHashSet();
            if (paymentIds.FirstOrDefault(id => !known.Contains(id)) is var unknown && unknown != Guid.Empty)
                throw DomainException.Invalid("paymentIds", $"Payment {unknown} is not a payment of the listed donations.");
        }

        var result = new List<ReceiptablePayment>();
        foreach (var d in donations)
        {
            if (d.AppealId != appeal.AppealId) throw DomainException.Invalid("donationIds", $"Donation {d.Id} belongs to another appeal.");
            if (paymentIds is not null)
            {
                foreach (var id in paymentIds.Where(id => d.Payments.Any(p => p.PaymentId == id)))
                {
                    if (ReceiptCoverage.ValidReceiptFor(d, id) is { } number)
                        throw DomainException.Conflict($"Payment {id} is already on receipt {number}.", "paymentIds");
                }
            }
            var open = ReceiptCoverage.Open(d).Where(p => paymentIds is null || paymentIds.Contains(p.PaymentId)).ToList();
            if (open.Count == 0)
            {
                if (paymentIds is not null && d.Payments.All(p => !paymentIds.Contains(p.PaymentId))) continue;
                throw DomainException.Conflict($"Donation {d.Id}: {WhyNot(d) ?? "nothing left to receipt."}", "donationIds");
            }
            var inPeriod = open.Where(p => p.Date >= from && p.Date <= to).ToList();
            if (inPeriod.Count == 0)
                throw DomainException.Invalid("donationIds", $"Donation {d.Id} was not paid within {from:dd.MM.yyyy}–{to:dd.MM.yyyy}.");
            result.AddRange(inPeriod);
        }
        if (result.Count == 0) throw DomainException.Invalid("paymentIds", "None of the listed payments can be receipted.");
        if (result.Count > LinesMax) throw DomainException.Invalid("donationIds", $"At most {LinesMax} payments on one receipt.");
        return result;
    }

    /// <summary>
    /// What a cancelled receipt's replacement states: its payments that are still booked, with what stayed of each, and
    /// not yet on another valid receipt. Lines of old receipts without a payment id stand for their whole donation.
    /// </summary>
    public static IReadOnlyList<ReceiptablePayment> Remaining(Receipt cancelled, IReadOnlyDictionary<Guid, Donation> donations)
    {
        Invariant.That(cancelled.State == ReceiptState.Cancelled, "Only a cancelled receipt is replaced.");
        var open = donations.Values.SelectMany(ReceiptCoverage.Open).ToDictionary(p => p.PaymentId);
        var result = new List<ReceiptablePayment>();
        foreach (var line in cancelled.Lines)
        {
            if (line.PaymentId is { } paymentId)
            {
                if (open.TryGetValue(paymentId, out var p)) result.Add(p);
            }
            else
            {
                result.AddRange(open.Values.Where(p => p.DonationId == line.DonationId));
            }
        }
        return result.DistinctBy(p => p.PaymentId).ToList();
    }

    /// <summary>
    /// The use statement for a receipt over these donations. When the appeal passes money on to municipalities and every
    /// earmark names one, the receipt names those municipalities ("entsprechend den Angaben des Zuwendenden"); otherwise
    /// it names the appeal's recipient (e.g. "die vom Hochwasser betroffenen Kommunen …"), since which municipality
    /// receives unearmarked money is decided later, by allocation.
    /// </summary>
    public static PrintedUse UseFor(Appeal appeal, IEnumerable<Donation> donations)
    {
        var use = appeal.GiftUse;
        if (!use.PassedOn) return new PrintedUse(false, null, null);
        var earmarks = donations.SelectMany(d => d.Earmarks).ToList();
        if (use.Exemption is null && earmarks.Count > 0 && earmarks.All(e => e.MunicipalityId is not null && appeal.FindMunicipality(e.MunicipalityId) is not null))
        {
            var names = earmarks.Select(e => e.MunicipalityId!).Distinct()
                .Select(id => appeal.FindMunicipality(id)!)
                .Select(m => m.District is null ? m.Name : $"{m.Name} ({m.District})")
                .ToList();
            var recipient = names.Count == 1 ? $"die Kommune {names[0]}" : $"die Kommunen {string.Join(", ", names[..^1])} und {names[^1]}";
            return new PrintedUse(true, recipient, null);
        }
        return new PrintedUse(true, use.Recipient, use.Exemption);
    }
}
