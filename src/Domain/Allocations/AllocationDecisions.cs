using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

public sealed record WithdrawAllocation(Guid AllocationId, Money? Amount, string Reason);

public sealed record DisburseFunds(Guid AllocationId, Guid DisbursementId, Money Amount, DateOnly PaidOn, string BankReference);

public sealed record ReturnUnusedFunds(Guid AllocationId, Guid ReturnId, Money Amount, DateOnly ReturnedOn, string BankReference);

/// <summary>A spending item. <see cref="Window"/>: the days spending is eligible on (from the appeal); null checks no window.</summary>
public sealed record ReportSpending(
    Guid AllocationId, Guid ItemId, DateOnly Date, string Payee, bool PayeeIsOrganisation, string Reason, string PurposeId,
    Money Amount, string VoucherNumber, string? Facility, VoucherDocument? Document, string? ReportedBy, EligibleWindow? Window = null);

/// <summary>
/// Spending is eligible from the disaster date (null: appeals opened before that was data, no lower bound) up to the
/// proof-of-use deadline.
/// </summary>
public sealed record EligibleWindow(DateOnly? From, DateOnly To)
{
    public static EligibleWindow Of(Appeals.Appeal appeal) => new(appeal.DisasterDate, appeal.ProofOfUseDeadline);
}

public sealed record WithdrawSpending(Guid AllocationId, Guid ItemId, string Reason);

public sealed record SubmitProofOfUse(Guid AllocationId, string NarrativeReport, string? SubmittedBy, ProofDeclaration? Declaration = null);

public sealed record ReviewProofOfUse(Guid AllocationId, bool Accept, string? Remarks, string? ReviewedBy);

/// <summary>Every rule about money once it has reached an allocation (DESIGN §3, §7).</summary>
public static class AllocationDecisions
{
    /// <summary>Only the unspent, undisbursed part can be withdrawn; it goes back to the funds it came from.</summary>
    public static IReadOnlyList<object> Decide(WithdrawAllocation c, Allocation a, DateTimeOffset now)
    {
        var withdrawable = Min(a.Net - a.Disbursed, a.Open);
        var amount = c.Amount ?? withdrawable;
        if (!amount.IsPositive) throw DomainException.Conflict("Nothing of this allocation can be withdrawn: it is disbursed or spent.", "amountCents");
        if (amount > withdrawable) throw DomainException.Conflict($"Only {withdrawable} of this allocation is neither disbursed nor spent.", "amountCents");
        return [new AllocationWithdrawn(a.Id, a.AppealId, a.MunicipalityId, amount, BackToFunds(a, amount), c.Reason, now)];
    }

    public static IReadOnlyList<object> Decide(DisburseFunds c, Allocation a, DateTimeOffset now)
    {
        if (a.DisbursementIds.Contains(c.DisbursementId)) return [];
        if (!c.Amount.IsPositive) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");
        if (a.Disbursed + c.Amount > a.Net)
            throw DomainException.Conflict($"Disbursing {c.Amount} would exceed the allocation ({a.Disbursed} of {a.Net} already disbursed).", "amountCents");
        return [new FundsDisbursed(a.Id, a.AppealId, a.MunicipalityId, c.DisbursementId, c.Amount, c.PaidOn, c.BankReference, now)];
    }

    /// <summary>Money paid back can only be money that was disbursed and not spent.</summary>
    public static IReadOnlyList<object> Decide(ReturnUnusedFunds c, Allocation a, DateTimeOffset now)
    {
        if (a.ReturnIds.Contains(c.ReturnId)) return [];
        if (!c.Amount.IsPositive) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");
        var unused = a.Disbursed - a.Spent - a.ReturnedUnused;
        if (c.Amount > unused) throw DomainException.Conflict($"Only {unused} was disbursed and not spent.", "amountCents");
        return [new UnusedFundsReturned(a.Id, a.AppealId, a.MunicipalityId, c.ReturnId, c.Amount, c.ReturnedOn, c.BankReference, BackToFunds(a, c.Amount), now)];
    }

    public static IReadOnlyList<object> Decide(ReportSpending c, Allocation a, DateTimeOffset now)
    {
        if (a.Items.Any(i => i.ItemId == c.ItemId)) return [];
        if (a.ProofStatus is ProofStatus.Submitted or ProofStatus.Accepted)
            throw DomainException.Conflict("The proof of use is submitted or accepted: no more spending can be reported.");
        if (!c.Amount.IsPositive) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");
        if (!a.Permits(c.PurposeId))
            throw DomainException.Invalid("purposeId", $"This allocation is earmarked for '{a.PurposeId}', not for '{c.PurposeId}'.");
        if (a.Spent + c.Amount > a.Net - a.ReturnedUnused)
            throw DomainException.Conflict($"The item would overspend the allocation: {a.Open} left.", "amountCents");
        if (c.Window is { From: { } from } && c.Date < from)
            throw DomainException.Invalid("date", $"The item is dated before the disaster ({from:dd.MM.yyyy}): such spending is not eligible.");
        if (c.Window is { } window && c.Date > window.To)
            throw DomainException.Invalid("date", $"The item is dated after the proof-of-use deadline ({window.To:dd.MM.yyyy}).");
        // Dated before the allocation decision, or not yet covered by a disbursement: accepted, and flagged in the
        // Belegliste (municipalities often pre-finance; the treasurer judges the early date).
        if (a.Items.Any(i => !i.Withdrawn && i.VoucherNumber == c.VoucherNumber))
            throw DomainException.Conflict($"Voucher number '{c.VoucherNumber}' is already reported on this allocation.", "voucherNumber");
        return [new SpendingReported(a.Id, a.AppealId, a.MunicipalityId, c.ItemId, c.Date, c.Payee, c.PayeeIsOrganisation, c.Reason,
            c.PurposeId, c.Amount, c.VoucherNumber, c.Facility, c.Document, c.ReportedBy, now)];
    }

    public static IReadOnlyList<object> Decide(WithdrawSpending c, Allocation a, DateTimeOffset now)
    {
        var item = a.Items.FirstOrDefault(i => i.ItemId == c.ItemId) ?? throw DomainException.NotFound($"No spending item {c.ItemId}.");
        if (item.Withdrawn) return [];
        if (a.ProofStatus is ProofStatus.Submitted or ProofStatus.Accepted)
            throw DomainException.Conflict("The proof of use is submitted or accepted: items cannot be withdrawn.");
        return [new SpendingWithdrawn(a.Id, a.AppealId, a.MunicipalityId, item.ItemId, item.Amount, item.PurposeId, c.Reason, now)];
    }

    public static IReadOnlyList<object> Decide(SubmitProofOfUse c, Allocation a, DateTimeOffset now)
    {
        if (a.ProofStatus == ProofStatus.Submitted && a.NarrativeReport == c.NarrativeReport && a.Declaration == c.Declaration) return [];
        var declaration = c.Declaration ?? throw DomainException.Invalid("declaration", "The proof of use needs the signed declaration.");
        if (!declaration.UsedOnlyForPurpose)
            throw DomainException.Invalid("declaration.usedOnlyForPurpose", "Confirm that the money was used only for the purpose of the allocation.");
        if (!declaration.NecessaryEconomicalThrifty)
            throw DomainException.Invalid("declaration.necessaryEconomicalThrifty", "Confirm that the spending was necessary and that the money was used economically and thriftily.");
        if (!declaration.FiguresAgreeWithBooks)
            throw DomainException.Invalid("declaration.figuresAgreeWithBooks", "Confirm that the figures agree with the books and the vouchers.");
        if (declaration.Date > DateOnly.FromDateTime(now.UtcDateTime).AddDays(1))
            throw DomainException.Invalid("declaration.date", "The declaration is dated in the future.");
        if (a.ProofStatus is ProofStatus.Submitted or ProofStatus.Accepted)
            throw DomainException.Conflict($"The proof of use is already {a.ProofStatus.ToString().ToLowerInvariant()}.");
        var items = a.Items.Count(i => !i.Withdrawn);
        return [new ProofOfUseSubmitted(a.Id, a.AppealId, a.MunicipalityId, c.NarrativeReport, a.Spent, items, c.SubmittedBy, now, declaration)];
    }

    public static IReadOnlyList<object> Decide(ReviewProofOfUse c, Allocation a, DateTimeOffset now)
    {
        if (c.Accept && a.ProofStatus == ProofStatus.Accepted) return [];
        if (a.ProofStatus != ProofStatus.Submitted) throw DomainException.Conflict("There is no submitted proof of use to review.");
        if (!c.Accept && string.IsNullOrWhiteSpace(c.Remarks)) throw DomainException.Invalid("remarks", "A rejection needs remarks.");
        return c.Accept
            ? [new ProofOfUseAccepted(a.Id, a.AppealId, a.MunicipalityId, c.Remarks, c.ReviewedBy, now)]
            : [new ProofOfUseRejected(a.Id, a.AppealId, a.MunicipalityId, c.Remarks!, c.ReviewedBy, now)];
    }

    /// <summary>Splits money going back over the funds the allocation still draws on, by largest remainder.</summary>
    public static IReadOnlyList<FundDraw> BackToFunds(Allocation a, Money amount)
    {
        var draws = a.Draws.Where(d => d.Amount.IsPositive).ToList();
        Invariant.That(draws.Count > 0, "An allocation with money left draws on at least one fund.");
        var parts = LargestRemainder.Allocate(amount, draws.Select(d => d.Amount.Cents).ToList());
        var back = draws.Select((d, i) => d with { Amount = parts[i] }).Where(d => d.Amount.IsPositive).ToList();
        Invariant.That(back.All(b => b.Amount <= draws.First(d => d.FundKey == b.FundKey).Amount), "Nothing goes back to a fund that it did not come from.");
        return back;
    }

    /// <summary>
    /// Whether the proof of use is late: submitted (on <paramref name="submittedOn"/>, German calendar day) after the
    /// deadline, or still not submitted (open or rejected) after it.
    /// </summary>
    public static bool IsOverdue(ProofStatus status, DateOnly? submittedOn, DateOnly deadline, DateOnly today)
        => status switch
        {
            ProofStatus.Submitted or ProofStatus.Accepted => submittedOn is { } on && on > deadline,
            _ => today > deadline,
        };

    private static Money Min(Money a, Money b) => a < b ? a : b;
}
