using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Payments;

/// <summary>The events for one donation stream.</summary>
public sealed record DonationChange(Guid DonationId, IReadOnlyList<object> Events);

/// <summary>The streams that change together when money meets donations: the payment's and each donation's.</summary>
public sealed record MatchOutcome(IReadOnlyList<object> PaymentEvents, IReadOnlyList<DonationChange> Donations)
{
    public static readonly MatchOutcome Nothing = new([], Array.Empty<DonationChange>());

    public static MatchOutcome For(IReadOnlyList<object> paymentEvents, Guid donationId, IReadOnlyList<object> donationEvents)
        => new(paymentEvents, donationEvents.Count == 0 ? [] : [new DonationChange(donationId, donationEvents)]);

    /// <summary>All donation events in order (for a plain match: the one donation's).</summary>
    public IReadOnlyList<object> DonationEvents => Donations.SelectMany(d => d.Events).ToList();
}

/// <summary>What the references a transfer names say: book it on one donation, split it, or queue it with proposals.</summary>
public sealed record ReferenceResolution(Donation? Single, MatchMethod? Method, IReadOnlyList<(Donation Donation, Money Amount)>? Split, IReadOnlyList<Donation> Named)
{
    public static readonly ReferenceResolution None = new(null, null, null, []);

    /// <summary>Several pledges were named but the transfer cannot be split exactly: the treasurer decides.</summary>
    public bool WaitsForTreasurer => Single is null && Split is null && Named.Count > 0;
}

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

    public static MatchOutcome Match(Payment payment, Donation donation, MatchMethod method, string? by, DateTimeOffset now, Guid? returnOf = null)
    {
        if (payment.Status == PaymentStatus.Matched)
        {
            return payment.DonationId == donation.Id
                ? MatchOutcome.Nothing
                : throw DomainException.Conflict($"Payment {payment.Id} is already matched ({Describe(payment)}); unmatch it first.");
        }
        RefuseKindsThatAreNoDonation(payment);
        if (payment.AppealId != donation.AppealId)
            throw DomainException.Invalid("donationId", "The donation belongs to another appeal than the bank account of this payment.");

        var donationEvents = payment.Kind == PaymentKind.Return
            ? ReceivingDecision.Return(donation, payment.Id, payment.Amount, payment.BookingDate, payment.ReturnReasonCode, now)
            : ReceivingDecision.Receive(donation, payment.Id, payment.Amount, payment.BookingDate, payment.ValueDate, now);
        return MatchOutcome.For([new PaymentMatched(payment.Id, donation.Id, method, by, now, returnOf)], donation.Id, donationEvents);
    }

    /// <summary>
    /// Books one payment on several donations: each donation stream gets a fact for its part (a receipt of money, or for a
    /// return the money taken back), and the payment stream one <see cref="PaymentSplit"/> listing the parts. The parts are
    /// positive, name each donation once, belong to the payment's appeal and add up to the payment.
    /// </summary>
    public static MatchOutcome Split(Payment payment, IReadOnlyList<(Donation Donation, Money Amount)> parts, MatchMethod method, string? by, DateTimeOffset now, Guid? returnOf = null)
    {
        if (payment.Status == PaymentStatus.Matched)
        {
            var same = payment.Parts.Count == parts.Count && parts.All(p => payment.Parts.Contains(new PaymentPart(p.Donation.Id, p.Amount)));
            return same ? MatchOutcome.Nothing : throw DomainException.Conflict($"Payment {payment.Id} is already matched ({Describe(payment)}); unmatch it first.");
        }
        RefuseKindsThatAreNoDonation(payment);
        if (parts.Count < 2) throw DomainException.Invalid("parts", "A split needs at least two donations.");
        for (var i = 0; i < parts.Count; i++)
        {
            var (donation, amount) = parts[i];
            if (!amount.IsPositive) throw DomainException.Invalid($"parts[{i}].amountCents", "Each part must be positive.");
            if (donation.AppealId != payment.AppealId)
                throw DomainException.Invalid($"parts[{i}].donationId", "The donation belongs to another appeal than the bank account of this payment.");
            if (parts.Take(i).Any(p => p.Donation.Id == donation.Id)) throw DomainException.Invalid($"parts[{i}].donationId", "Each donation may appear once.");
        }
        var total = parts.Aggregate(Money.Zero, (sum, p) => sum + p.Amount);
        if (total != payment.Amount)
            throw DomainException.Invalid("parts", $"The parts add up to {total}, the payment is {payment.Amount}.");

        var changes = parts.Select(p => new DonationChange(p.Donation.Id, payment.Kind == PaymentKind.Return
                ? ReceivingDecision.Return(p.Donation, payment.Id, p.Amount, payment.BookingDate, payment.ReturnReasonCode, now)
                : ReceivingDecision.Receive(p.Donation, payment.Id, p.Amount, payment.BookingDate, payment.ValueDate, now, payment.Amount)))
            .Where(c => c.Events.Count > 0).ToList();
        var split = new PaymentSplit(payment.Id, parts.Select(p => new PaymentPart(p.Donation.Id, p.Amount)).ToList(), method, by, now, returnOf);
        return new MatchOutcome([split], changes);
    }

    /// <summary>
    /// Undoes a match as a whole: every donation the payment was booked on gets its part withdrawn (a new fact each),
    /// and the payment waits in the queue again. <paramref name="donations"/> must hold every donation of the match.
    /// </summary>
    public static MatchOutcome Unmatch(Payment payment, IReadOnlyDictionary<Guid, Donation> donations, string reason, string? by, DateTimeOffset now)
    {
        if (payment.Status != PaymentStatus.Matched || payment.Parts.Count == 0)
            throw DomainException.Conflict($"Payment {payment.Id} is not matched.");
        if (payment.Kind == PaymentKind.Return)
            throw DomainException.Conflict("A bank return cannot be unmatched; record the correcting booking instead.");
        var changes = payment.Parts
            .Select(p => new DonationChange(p.DonationId, ReceivingDecision.Withdraw(
                donations.TryGetValue(p.DonationId, out var d) ? d : throw new InvalidOperationException($"Donation {p.DonationId} of payment {payment.Id} was not loaded."),
                payment.Id, reason, now)))
            .Where(c => c.Events.Count > 0).ToList();
        object paymentEvent = payment.IsSplit
            ? new PaymentSplitUndone(payment.Id, payment.Parts, reason, by, now)
            : new PaymentUnmatched(payment.Id, payment.Parts[0].DonationId, reason, by, now);
        return new MatchOutcome([paymentEvent], changes);
    }

    public static MatchOutcome Unmatch(Payment payment, Donation donation, string reason, string? by, DateTimeOffset now)
        => Unmatch(payment, new Dictionary<Guid, Donation> { [donation.Id] = donation }, reason, by, now);

    /// <summary>
    /// A return given back on the payment it returns: on the same donation, or for a split payment on the same donations
    /// in the same proportions (largest remainder, so the parts add up to the return).
    /// </summary>
    public static MatchOutcome ReturnOf(Payment ret, Payment original, IReadOnlyDictionary<Guid, Donation> donations, MatchMethod method, string? by, DateTimeOffset now)
    {
        Invariant.That(ret.Kind == PaymentKind.Return, "Only a return is given back on an original payment.");
        Invariant.That(original.Parts.Count > 0, "The original payment is matched.");
        if (original.Parts.Count == 1) return Match(ret, donations[original.Parts[0].DonationId], method, by, now, original.Id);
        var shares = LargestRemainder.Allocate(ret.Amount, original.Parts.Select(p => p.Amount.Cents).ToList());
        var parts = original.Parts.Select((p, i) => (donations[p.DonationId], shares[i])).Where(p => p.Item2.IsPositive).ToList();
        return parts.Count == 1
            ? Match(ret, parts[0].Item1, method, by, now, original.Id)
            : Split(ret, parts, method, by, now, original.Id);
    }

    /// <summary>A payment nobody pledged: the treasurer books it as a donation of its own (general fund unless earmarked).</summary>
    public static MatchOutcome BookAsDonation(Payment payment, Guid donationId, CreditorReference reference, IReadOnlyList<Earmark> earmarks,
        Appeals.Appeal appeal, string? by, DateTimeOffset now)
    {
        if (payment.Status != PaymentStatus.Unmatched || payment.Kind != PaymentKind.Credit)
            throw DomainException.Conflict("Only an unmatched credit can be booked as a donation.");
        var parts = earmarks.Count == 0 ? [new Earmark(null, null, payment.Amount)] : earmarks;
        // The money is already here: the appeal's pledge limit and closing do not apply, the earmark rules do.
        Donations.Pledging.PledgingDecision.ValidateEarmarks(parts, payment.Amount, appeal);
        var booked = new DonationBookedFromPayment(donationId, appeal.Slug, payment.Amount, parts, reference, payment.Id, now);
        var donation = Donation.Create(booked);
        return MatchOutcome.For(
            [new PaymentMatched(payment.Id, donationId, MatchMethod.BookedAsDonation, by, now)],
            donationId,
            [booked, .. ReceivingDecision.Receive(donation, payment.Id, payment.Amount, payment.BookingDate, payment.ValueDate, now)]);
    }

    private static void RefuseKindsThatAreNoDonation(Payment payment)
    {
        if (payment.Kind is PaymentKind.Debit or PaymentKind.BatchWithoutDetails)
            throw DomainException.Conflict($"A {payment.Kind} booking cannot be matched to a donation.");
        if (payment.Kind == PaymentKind.ReturnedTransfer)
            throw DomainException.Conflict("Money of ours that came back (a returned transfer) is never a donation; it waits for the money-out booking it belongs to.");
    }

    private static string Describe(Payment payment)
        => payment.IsSplit ? $"split across {payment.Parts.Count} donations" : $"to donation {payment.DonationId}";
}
