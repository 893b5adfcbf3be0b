using System.Security.Claims;
using FlutHilfe.Api.Donations;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace FlutHilfe.Api.Payments.Matching;

public sealed record MatchRequest(Guid? DonationId);

public sealed record UnmatchRequest(string? Reason);

public sealed record SplitPartInput(Guid? DonationId, long? AmountCents);

public sealed record SplitRequest(IReadOnlyList<SplitPartInput>? Parts);

/// <summary>The treasurer reconciles by hand: match, split across donations, undo a match.</summary>
public static class MatchingEndpoints
{
    private const int SplitPartsMax = 20;

    [WolverinePost("/api/payments/{paymentId}/match", OperationId = "matchPayment")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Match a bank transaction to a donation by hand (treasurer)")]
    [ProducesResponseType<PaymentView>(200)]
    public static async Task<PaymentView> Match(Guid paymentId, MatchRequest request, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
        => PaymentView.From(await MatchAsync(paymentId, request, bus, user, clock, ct));

    /// <summary>The treasurer's match, from the API and from the reconciliation page.</summary>
    public static async Task<Reconciled> MatchAsync(Guid paymentId, MatchRequest request, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var donationId = request.DonationId ?? throw DomainException.Invalid("donationId", "donationId is required.");
        var command = new MatchPayment(paymentId, donationId, MatchMethod.Treasurer, Access.Subject(user), clock.GetUtcNow());
        return await bus.InvokeAsync<Reconciled>(command, ct);
    }

    [WolverinePost("/api/payments/{paymentId}/unmatch", OperationId = "unmatchPayment")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Undo a wrong match (every part of a split); the payment returns to the queue (treasurer)")]
    [ProducesResponseType<PaymentView>(200)]
    public static async Task<PaymentView> Unmatch(Guid paymentId, UnmatchRequest request, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
        => PaymentView.From(await UnmatchAsync(paymentId, request, bus, user, clock, ct));

    /// <summary>Undoing a match, from the API and from the reconciliation page.</summary>
    public static async Task<Reconciled> UnmatchAsync(Guid paymentId, UnmatchRequest request, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var command = new UnmatchPayment(paymentId, Text.Require(request.Reason, "reason", 500), Access.Subject(user), clock.GetUtcNow());
        return await bus.InvokeAsync<Reconciled>(command, ct);
    }

    [WolverinePost("/api/payments/{paymentId}/split", OperationId = "splitPayment")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Book one transfer on several donations, in parts that add up to it (treasurer)")]
    [ProducesResponseType<PaymentView>(200)]
    public static async Task<PaymentView> Split(Guid paymentId, SplitRequest request, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
        => PaymentView.From(await SplitAsync(paymentId, request, bus, user, clock, ct));

    /// <summary>The treasurer's split, from the API and from the reconciliation page (the same split again changes nothing).</summary>
    public static async Task<Reconciled> SplitAsync(Guid paymentId, SplitRequest request, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var inputs = request.Parts ?? throw DomainException.Invalid("parts", "parts is required.");
        if (inputs.Count is < 2 or > SplitPartsMax) throw DomainException.Invalid("parts", $"A split has 2 to {SplitPartsMax} parts.");
        var parts = inputs.Select((p, i) => new PaymentPart(
            p.DonationId ?? throw DomainException.Invalid($"parts[{i}].donationId", "donationId is required."),
            new Money(p.AmountCents ?? throw DomainException.Invalid($"parts[{i}].amountCents", "amountCents is required.")))).ToList();
        var command = new SplitPayment(paymentId, parts, MatchMethod.Treasurer, Access.Subject(user), clock.GetUtcNow());
        return await bus.InvokeAsync<Reconciled>(command, ct);
    }
}

/// <summary>One payment, one donation: both streams loaded for writing, the decision's events appended to each in one commit.</summary>
public static class MatchPaymentHandler
{
    public static (Reconciled, OutgoingMessages) Handle(MatchPayment command,
        [WriteAggregate(nameof(MatchPayment.PaymentId), Required = false)] IEventStream<Payment> payment,
        [WriteAggregate(nameof(MatchPayment.DonationId), Required = false)] IEventStream<Donation> donation)
        => Reconciliation.Append(PaymentDecider.Decide(command, payment.Aggregate, donation.Aggregate), payment, new DonationStreams([donation]));
}

/// <summary>
/// One payment and the N donations the treasurer names: Wolverine's workflow loads the payment; the donations, as many as
/// the split has parts, are loaded for writing by <see cref="LoadAsync"/>. All streams commit together.
/// </summary>
public static class SplitPaymentHandler
{
    public static Task<DonationStreams> LoadAsync(SplitPayment command, IDocumentSession session, CancellationToken ct)
        => DonationStreams.FetchForWritingAsync(session, command.Parts.Select(p => p.DonationId), ct);

    public static (Reconciled, OutgoingMessages) Handle(SplitPayment command,
        [WriteAggregate(nameof(SplitPayment.PaymentId), Required = false)] IEventStream<Payment> payment, DonationStreams donations)
        => Reconciliation.Append(PaymentDecider.Decide(command, payment.Aggregate, donations.Existing), payment, donations);
}

/// <summary>One payment and every donation it is booked on (one for a match, several for a split), read from the payment.</summary>
public static class UnmatchPaymentHandler
{
    /// <summary>Runs after the workflow loaded the payment (it needs the payment's parts).</summary>
    public static Task<DonationStreams> LoadAsync(UnmatchPayment command, IEventStream<Payment> payment, IDocumentSession session, CancellationToken ct)
        => DonationStreams.FetchForWritingAsync(session, payment.Aggregate?.Parts.Select(p => p.DonationId) ?? [], ct);

    public static (Reconciled, OutgoingMessages) Handle(UnmatchPayment command,
        [WriteAggregate(nameof(UnmatchPayment.PaymentId), Required = false)] IEventStream<Payment> payment, DonationStreams donations)
        => Reconciliation.Append(PaymentDecider.Decide(command, payment.Aggregate, donations.Existing), payment, donations);
}
