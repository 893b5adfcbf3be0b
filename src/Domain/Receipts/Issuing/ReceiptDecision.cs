using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Receipts.Issuing;

/// <summary>Everything about a receipt that is not the donor and not the number.</summary>
public sealed record ReceiptTerms(string PurposeText, string Place, string TemplateVersion);

public static class ReceiptDecision
{
    public const int CollectiveDonationsMax = 500;

    /// <summary>Whether the donation can get a (single) receipt now; null when yes, else the reason.</summary>
    public static string? WhyNot(Donation donation)
    {
        if (donation.ReceiptNumber is not null) return $"The donation is already on receipt {donation.ReceiptNumber}.";
        if (!donation.Net.IsPositive) return "No money has arrived for this donation (yet).";
        return null;
    }

    public static ReceiptIssued IssueSingle(Donation donation, Appeal appeal, string number, int year, int sequence, Guid donorId, string protectedDonor,
        ReceiptTerms terms, string? replacesNumber, DateTimeOffset now)
    {
        var paidOn = donation.PaidOn ?? throw DomainException.Conflict("No money has arrived for this donation (yet).");
        var amount = donation.Net;
        return new ReceiptIssued(number, year, sequence, ReceiptKind.Single, appeal.Slug, [new ReceiptLine(donation.Id, paidOn, amount)], amount,
            amount.ToGermanWords(), paidOn, null, null, donorId, protectedDonor, appeal.Issuer, terms.PurposeText, terms.Place,
            DateOnly.FromDateTime(now.UtcDateTime), appeal.ReceiptSignatory, false, terms.TemplateVersion, replacesNumber, now);
    }

    /// <summary>
    /// A Sammelbestätigung: several paid, not yet receipted donations of one donor in one period; the annex lists
    /// each and its total equals the receipt's.
    /// </summary>
    public static ReceiptIssued IssueCollective(IReadOnlyList<Donation> donations, Appeal appeal, DateOnly from, DateOnly to, string number, int year, int sequence,
        Guid donorId, string protectedDonor, ReceiptTerms terms, DateTimeOffset now)
    {
        if (donations.Count == 0) throw DomainException.Invalid("donationIds", "A collective receipt needs at least one donation.");
        if (donations.Count > CollectiveDonationsMax) throw DomainException.Invalid("donationIds", $"At most {CollectiveDonationsMax} donations.");
        if (from > to) throw DomainException.Invalid("to", "The period ends before it starts.");
        foreach (var d in donations)
        {
            if (d.AppealId != appeal.Slug) throw DomainException.Invalid("donationIds", $"Donation {d.Id} belongs to another appeal.");
            if (WhyNot(d) is { } reason) throw DomainException.Conflict($"Donation {d.Id}: {reason}", "donationIds");
            if (d.PaidOn is not { } paid || paid < from || paid > to)
                throw DomainException.Invalid("donationIds", $"Donation {d.Id} was not paid within {from:dd.MM.yyyy}–{to:dd.MM.yyyy}.");
        }
        var lines = donations.Select(d => new ReceiptLine(d.Id, d.PaidOn!.Value, d.Net)).OrderBy(l => l.Date).ToList();
        var total = lines.Aggregate(Money.Zero, (s, l) => s + l.Amount);
        return new ReceiptIssued(number, year, sequence, ReceiptKind.Collective, appeal.Slug, lines, total, total.ToGermanWords(), lines[0].Date, from, to,
            donorId, protectedDonor, appeal.Issuer, terms.PurposeText, terms.Place, DateOnly.FromDateTime(now.UtcDateTime), appeal.ReceiptSignatory,
            false, terms.TemplateVersion, null, now);
    }
}
