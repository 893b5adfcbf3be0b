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
    public static (Reconciled, OutgoingMessages) Append(MatchOutcome outcome, IEventStream<Payment> payment, DonationStreams donations)
    {
        payment.AppendMany(outcome.PaymentEvents);
        var after = donations.Append(outcome.Donations);
        var messages = new OutgoingMessages();
        foreach (var change in outcome.Donations) messages.AddRange(ReceiptTriggers.After(after[change.DonationId], change.Events));
        var paymentAfter = payment.Aggregate.After(outcome.PaymentEvents, PaymentDecider.Evolve)!;
        return (new Reconciled(payment.Aggregate!, paymentAfter, donations.Streams.Select(s => after.GetValueOrDefault(s.Id)).OfType<Donation>().ToList()), messages);
    }
}
