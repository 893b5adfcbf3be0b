using FlutHilfe.Api.Donations;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Wolverine;

namespace FlutHilfe.Api.Payments;

/// <summary>A payment and its donations after a reconciling command (the handlers' answer).</summary>
public sealed record Reconciled(Payment Before, Payment After, IReadOnlyList<Donation> Donations);

/// <summary>A payment after a reconciling command; <c>DonationStatus</c> is that of the (first) donation, <c>Parts</c> lists each.</summary>
public sealed record PaymentView(Guid PaymentId, string Status, Guid? DonationId, string? Method, long AmountCents, string DonationStatus,
    IReadOnlyList<PaymentPartView> Parts)
{
    public static PaymentView From(Reconciled r)
    {
        var parts = (r.After.Parts.Count > 0 ? r.After.Parts : r.Before.Parts)
            .Select(p => new PaymentPartView(p.DonationId, p.Amount.Cents, DonationStatusText.Of(r.Donations.First(d => d.Id == p.DonationId).Status)))
            .ToList();
        return new PaymentView(r.After.Id, r.After.Status.ToString(), r.After.DonationId, r.After.Method?.ToString(), r.After.Amount.Cents,
            parts.Count > 0 ? parts[0].DonationStatus : DonationStatusText.Of(r.Donations[0].Status), parts);
    }
}

public sealed record PaymentPartView(Guid DonationId, long AmountCents, string DonationStatus);

/// <summary>Applies a decision where money meets donations to the streams the command handler loaded for writing.</summary>
public static class Reconciliation
{
    /// <summary>
    /// Appends the payment's events and each donation's (the workflow commits them together), and answers what the new
    /// money sets off for receipts: a receipt that stated a withdrawn or returned payment is cancelled, new money may be due.
    /// </summary>
    public static (Reconciled, OutgoingMessages) Append(MatchOutcome outcome, IEventStream<Payment> payment, IEnumerable<IEventStream<Donation>> donations)
    {
        payment.AppendMany(outcome.PaymentEvents);
        var messages = new OutgoingMessages();
        var after = new List<Donation>();
        foreach (var stream in donations)
        {
            var events = outcome.EventsFor(stream.Id);
            stream.AppendMany(events);
            var donation = stream.Aggregate.After(events, DonationDecider.Evolve)!;
            messages.AddRange(ReceiptTriggers.After(donation, events));
            after.Add(donation);
        }
        return (new Reconciled(payment.Aggregate!, payment.Aggregate.After(outcome.PaymentEvents, PaymentDecider.Evolve)!, after), messages);
    }
}
