using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Issuing;
using JasperFx.Events;
using Marten;

namespace FlutHilfe.Api.Receipts;

/// <summary>Issue a receipt for one donation (when paid and wanted). Handled through the Marten outbox.</summary>
public sealed record IssueReceipt(Guid DonationId, string? ReplacesNumber = null);

/// <summary>Render the receipt's PDF, store it, and mail it when the donor gave an e-mail address.</summary>
public sealed record DeliverReceipt(string Number);

public static class ReceiptIssuing
{
    /// <summary>
    /// Decides and appends a single receipt for the donation held by <paramref name="donation"/> (fetched for writing,
    /// so a concurrent issuer for the same donation fails its commit and, on retry, finds the receipt: exactly once).
    /// Returns the number, or null when no receipt is due.
    /// </summary>
    public static async Task<string?> IssueSingleAsync(IDocumentSession session, IEventStream<Donation> donation, ReceiptSettings settings,
        TimeProvider clock, string? replacesNumber, ILogger logger, CancellationToken ct)
    {
        var d = donation.Aggregate;
        if (d is null || !d.ReceiptWanted) return null;
        if (ReceiptDecision.WhyNot(d) is { } why)
        {
            logger.LogInformation("No receipt for donation {Donation}: {Reason}", d.Id, why);
            return null;
        }
        var profile = d.DonorId is { } donorId ? await DonorProfiles.LoadAsync(session, donorId, ct) : null;
        if (profile is not { HasPostalAddress: true })
        {
            logger.LogWarning("Donation {Donation} wants a receipt but has no postal address", d.Id);
            return null;
        }
        var appeal = await session.LoadAsync<Appeal>(AppealStream.IdFor(d.AppealId), ct)
                     ?? throw new InvalidOperationException($"Donation {d.Id} refers to a missing appeal.");

        var now = clock.GetUtcNow();
        var (number, year, sequence) = await ReceiptNumbers.NextAsync(session, clock, ct);
        var printed = new PrintedDonor(profile.Name!, profile.Street!, profile.PostalCode!, profile.City!, profile.Country);
        var protectedDonor = await DonorKeys.ProtectAsync(session, profile.Id, printed, ct);
        var issued = ReceiptDecision.IssueSingle(d, appeal, number, year, sequence, profile.Id, protectedDonor, settings.TermsFor(appeal.Slug), replacesNumber, now);

        session.Events.StartStream<Receipt>(ReceiptStream.IdFor(number), issued);
        donation.AppendOne(new ReceiptAssigned(d.Id, number, now));
        return number;
    }
}

public static class IssueReceiptHandler
{
    public static async Task<Wolverine.OutgoingMessages> Handle(IssueReceipt command, IDocumentSession session, ReceiptSettings settings, TimeProvider clock,
        ILogger<IssueReceipt> logger, CancellationToken ct)
    {
        var donation = await session.Events.FetchForWriting<Donation>(command.DonationId, ct);
        var number = await ReceiptIssuing.IssueSingleAsync(session, donation, settings, clock, command.ReplacesNumber, logger, ct);
        return number is null ? [] : [new DeliverReceipt(number)];
    }
}
