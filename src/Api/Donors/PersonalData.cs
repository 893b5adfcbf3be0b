using FlutHilfe.Api.Donations.Viewing;
using System.Security.Claims;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.EarmarkDecisions;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;

namespace FlutHilfe.Api.Donors;

public sealed record ErasureRequest(string? Reason);

/// <summary>What an erasure did (or that there was nothing more to erase: <c>Erased</c> null).</summary>
public sealed record ErasureResult(Guid DonorId, string? Erased, DateOnly? KeptUntil, string Message);

/// <summary>
/// Everything the service holds about one donor (GDPR Art. 15), for the treasury to hand over. A donor is every record that
/// counts as the same person (<see cref="DonorIds"/>: merged by the treasury, linked by account or confirmed e-mail), so the
/// donations, receipts and erasures of all of them are in it, each naming its record; <see cref="Profile"/> is the asked
/// record's, <see cref="Records"/> every record's own profile.
/// </summary>
public sealed record DonorExport(Guid DonorId, DateTimeOffset ExportedAt, IReadOnlyList<Guid> DonorIds, DonorExportProfile? Profile,
    IReadOnlyList<DonorExportRecord> Records, IReadOnlyList<DonorExportDonation> Donations, IReadOnlyList<DonorExportReceipt> Receipts,
    IReadOnlyList<DonorExportErasure> Erasures, DateOnly? BoundDataKeptUntil, string Notes, IReadOnlyList<DonorExportRefundAccount> RefundAccounts);

/// <summary>An account the donor gave or confirmed for a refund of an earmark decision (personal-data store).</summary>
public sealed record DonorExportRefundAccount(Guid DonationId, Guid DecisionId, string Iban, string? Holder, bool FromPayment);

/// <summary>One record of the donor: its profile and until when its bound data is kept.</summary>
public sealed record DonorExportRecord(Guid DonorId, DonorExportProfile? Profile, DateOnly? BoundDataKeptUntil);

public sealed record DonorExportProfile(string? Name, string? Street, string? PostalCode, string? City, string Country, string? Email, DateTimeOffset RecordedAt);

public sealed record DonorExportDonation(Guid DonationId, Guid? DonorId, string AppealId, string Reference, long PledgedCents, DateTimeOffset PledgedAt, string Status,
    bool ReceiptWanted, IReadOnlyList<DonorExportEarmark> Earmarks, IReadOnlyList<DonorExportPayment> Payments);

public sealed record DonorExportEarmark(string? MunicipalityId, string? PurposeId, long AmountCents);

public sealed record DonorExportPayment(Guid PaymentId, long AmountCents, DateOnly BookingDate, string? PayerName, string? PayerIban, string? RemittanceText);

public sealed record DonorExportReceipt(string Number, Guid DonorId, string Kind, long AmountCents, DateOnly IssueDate, string State);

public sealed record DonorExportErasure(Guid DonorId, string Scope, string Reason, DateTimeOffset ErasedAt, DateOnly? KeptUntil);

/// <summary>
/// Personal data of donors (DESIGN §9): erasure by crypto-shredding as far as retention allows, on the donor's request,
/// the treasury's or by the retention run; and the Art. 15 export.
/// </summary>
public static class PersonalDataEndpoints
{
    [WolverinePost("/api/donors/{donorId}/erasure", OperationId = "eraseDonorData")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Erase a donor's personal data as far as retention allows (treasurer)")]
    [ProducesResponseType<ErasureResult>(200)]
    public static async Task<ErasureResult> EraseByTreasury(Guid donorId, ErasureRequest? request, ClaimsPrincipal user, IMessageBus bus, TimeProvider clock, CancellationToken ct)
        => await bus.InvokeAsync<ErasureResult>(new EraseDonorData(donorId, DonorErasure.Reasons.Treasury, Access.Subject(user), clock.GetUtcNow()), ct);

    [WolverinePost("/api/donations/{donationId}/erasure", OperationId = "eraseMyData")]
    [AllowAnonymous]
    [EndpointSummary("The donor erases their personal data as far as retention allows (needs the donor link's token)")]
    [ProducesResponseType<ErasureResult>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<ErasureResult> EraseByDonor(Guid donationId, string? token, IQuerySession session, DonorAccess access, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var donation = await session.LoadAsync<Donation>(donationId, ct);
        if (donation is null || !access.Allows(token, donation)) throw DomainException.NotFound("No such donation.");
        if (donation.DonorId is not { } donorId)
            return new ErasureResult(Guid.Empty, null, null, "Zu dieser Spende sind keine persönlichen Daten gespeichert.");
        return await bus.InvokeAsync<ErasureResult>(new EraseDonorData(donorId, DonorErasure.Reasons.DonorRequest, "donor", clock.GetUtcNow()), ct);
    }

    [WolverinePost("/api/personal-data/retention-run", OperationId = "runPersonalDataRetention")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Erase every donor's personal data whose retention has ended now (also runs daily by itself)")]
    public static async Task<RetentionRunResult> RunRetention(IDocumentStore store, IMessageBus bus, TimeProvider clock, CancellationToken ct)
        => await PersonalDataRetention.RunAsync(store, bus, clock, ct);

    [WolverineGet("/api/donors/{donorId}/export", OperationId = "exportDonorData")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Everything held about one donor, as JSON (GDPR Art. 15; treasurer)")]
    [ProducesResponseType<DonorExport>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<DonorExport> Export(Guid donorId, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (!(await DonorRecordsOf.LoadAsync(session, donorId, ct)).Known) throw DomainException.NotFound("No such donor.");
        // The person is the group: a merge (or a link) makes every record's data this donor's; undone, each record is its own again.
        var group = (await Merging.DonorGroups.LoadAsync(session, ct)).GroupOf(donorId);
        var records = new List<DonorExportRecord>();
        var donations = new List<Donation>();
        var receipts = new List<Receipt>();
        var erasures = new List<DonorExportErasure>();
        var retention = new List<DonorRetentionFacts>();
        foreach (var id in group.Prepend(donorId).Distinct())
        {
            var held = await DonorRecordsOf.LoadAsync(session, id, ct);
            var profile = await DonorProfiles.LoadAsync(session, id, ct);
            records.Add(new DonorExportRecord(id, profile is null ? null : ProfileOf(profile), DonorErasure.KeptUntil(held.Facts)));
            donations.AddRange(held.Donations);
            receipts.AddRange(held.Receipts);
            retention.Add(held.Facts);
            erasures.AddRange((await session.Events.FetchStreamAsync(id, token: ct)).Select(e => e.Data).OfType<DonorDataErased>()
                .Select(e => new DonorExportErasure(id, e.Scope.ToString(), e.Reason, e.ErasedAt, e.KeptUntil)));
        }
        var paymentIds = donations.SelectMany(d => d.Payments.Select(p => p.PaymentId).Concat(d.Returns.Select(r => r.PaymentId))).Distinct().ToList();
        var payers = (await session.LoadManyAsync<PayerDetails>(ct, paymentIds)).ToDictionary(p => p.Id);
        var keptUntil = records.Select(r => r.BoundDataKeptUntil).Where(d => d is not null).Max();
        var donationIds = donations.Select(d => d.Id).Distinct().ToArray();
        var refundAccounts = await session.Query<RefundAccount>().Where(a => a.DonationId.IsOneOf(donationIds)).ToListAsync(ct);
        return new DonorExport(donorId, clock.GetUtcNow(), records.Select(r => r.DonorId).ToList(), records[0].Profile, records,
            donations.DistinctBy(d => d.Id).OrderBy(d => d.PledgedAt).Select(d => new DonorExportDonation(d.Id, d.DonorId, d.AppealId, d.Reference, d.PledgedCents,
                d.PledgedAt, d.Status.ToString(), d.ReceiptWanted,
                d.Earmarks.Select(m => new DonorExportEarmark(m.MunicipalityId, m.PurposeId, m.Amount.Cents)).ToList(),
                d.Payments.Select(p => (p, Sign: 1)).Concat(d.Returns.Select(r => (p: r, Sign: -1))).OrderBy(x => x.p.BookingDate).Select(x =>
                {
                    var payer = payers.GetValueOrDefault(x.p.PaymentId);
                    return new DonorExportPayment(x.p.PaymentId, x.Sign * x.p.Amount.Cents, x.p.BookingDate, payer?.Name, payer?.Iban, payer?.RemittanceText);
                }).ToList())).ToList(),
            receipts.DistinctBy(r => r.Number).OrderBy(r => r.Number, StringComparer.Ordinal)
                .Select(r => new DonorExportReceipt(r.Number, r.DonorId, r.Kind.ToString(), r.Amount.Cents, r.IssueDate, r.State.ToString())).ToList(),
            erasures, keptUntil,
            "Name, Anschrift und E-Mail stehen verschlüsselt unter einem eigenen Schlüssel des Spenders; Beträge und Buchungen stehen ohne Personendaten im Ereignisprotokoll. "
            + "Zuwendungsbestätigungen und Buchungsbelege werden zehn Jahre nach Ablauf des Ausstellungs- bzw. Buchungsjahres aufbewahrt (§ 50 Abs. 7 EStDV, § 147 AO)."
            + (records.Count > 1 ? $" Die Auskunft umfasst alle {records.Count} Datensätze, die als derselbe Spender geführt werden." : ""),
            refundAccounts.OrderBy(a => a.DonationId).ThenBy(a => a.DecisionId)
                .Select(a => new DonorExportRefundAccount(a.DonationId, a.DecisionId, a.Iban, a.Holder, a.FromPayment)).ToList());
    }

    private static DonorExportProfile ProfileOf(DonorProfile p) => new(p.Name, p.Street, p.PostalCode, p.City, p.Country, p.Email, p.RecordedAt);
}

/// <summary>A donor's donations, receipts and what binds their data, read from the store.</summary>
public sealed record DonorRecordsOf(IReadOnlyList<Donation> Donations, IReadOnlyList<Receipt> Receipts, DonorRetentionFacts Facts, bool Known)
{
    public IReadOnlyList<Guid> PaymentIds => Donations.SelectMany(d => d.Payments.Select(p => p.PaymentId).Concat(d.Returns.Select(r => r.PaymentId))).Distinct().ToList();

    public static async Task<DonorRecordsOf> LoadAsync(IQuerySession session, Guid donorId, CancellationToken ct)
    {
        var donations = await session.Query<Donation>().Where(d => d.DonorId == donorId).ToListAsync(ct);
        var receipts = await session.Query<Receipt>().Where(r => r.DonorId == donorId).ToListAsync(ct);
        var hasKey = await session.LoadAsync<DonorKey>(donorId, ct) is not null;
        var bookings = donations.SelectMany(d => d.Payments.Concat(d.Returns)).Select(p => p.BookingDate).ToList();
        var activity = donations.Select(d => DateOnly.FromDateTime(d.PledgedAt.UtcDateTime)).Concat(bookings).Concat(receipts.Select(r => r.IssueDate)).ToList();
        var facts = new DonorRetentionFacts(receipts.Select(r => r.Year).Distinct().ToList(), bookings.Select(b => b.Year).Distinct().ToList(),
            activity.Count == 0 ? null : activity.Max());
        return new DonorRecordsOf(donations, receipts, facts, donations.Count > 0 || receipts.Count > 0 || hasKey);
    }
}

/// <summary>
/// Records an erasure and removes the data in the same transaction: the profile and the refund accounts always; with everything also the donor's
/// key (crypto-shredding: the receipts' sealed name and address become unreadable), the payer details of the donor's
/// bookings and the stored receipt copies (a receipt asked for later is rendered again, without the name).
/// </summary>
public static class EraseDonorDataHandler
{
    public static async Task<ErasureResult> Handle(EraseDonorData command, IDocumentSession session, IConfiguration configuration, CancellationToken ct)
    {
        var records = await DonorRecordsOf.LoadAsync(session, command.DonorId, ct);
        if (!records.Known) throw DomainException.NotFound("No such donor.");
        var stream = await session.Events.FetchStreamAsync(command.DonorId, token: ct);
        var donor = stream.Select(e => e.Data).Aggregate((Donor?)null, DonorErasure.Evolve);
        var today = DateOnly.FromDateTime(command.RequestedAt.UtcDateTime);
        var erased = DonorErasure.Decide(command, donor, records.Facts, today, PersonalDataRetention.ProfileRetentionDays(configuration));
        if (erased is null)
            return new ErasureResult(command.DonorId, null, DonorErasure.KeptUntil(records.Facts),
                "Es ist nichts mehr zu löschen: was noch gespeichert ist, muss bis zum Ende der Aufbewahrungsfrist bleiben.");

        // Optimistic concurrency on the donor's stream: two erasures at once record one fact (the retry decides again).
        session.Events.Append(command.DonorId, stream.Count + 1, erased);
        session.Delete<SealedDonorProfile>(command.DonorId);
        Accounts.DonorRecognition.Forget(session, command.DonorId);
        // The account a donor gave or confirmed for a refund is data handed over for that one payment, not a booking record
        // (the statement's debit is): it goes with the profile. A refund not yet paid then cannot be paid (no account).
        var donationIds = records.Donations.Select(d => d.Id).ToArray();
        if (donationIds.Length > 0) session.DeleteWhere<RefundAccount>(a => a.DonationId.IsOneOf(donationIds));
        if (erased.Scope == ErasureScope.Everything)
        {
            session.Delete<DonorKey>(command.DonorId);
            foreach (var payment in records.PaymentIds) session.Delete<PayerDetails>(payment);
            foreach (var receipt in records.Receipts) session.Delete<StoredReceiptPdf>(receipt.Number);
        }
        return new ErasureResult(command.DonorId, erased.Scope.ToString(), erased.KeptUntil, erased.Scope == ErasureScope.Everything
            ? "Alle personenbezogenen Daten wurden gelöscht."
            : $"Name, Anschrift und E-Mail-Adresse wurden gelöscht. Zuwendungsbestätigungen und Buchungsbelege bleiben bis {erased.KeptUntil:dd.MM.yyyy} aufbewahrt (gesetzliche Frist) und werden dann gelöscht.");
    }
}

public sealed record RetentionRunResult(int DonorsChecked, int DonorsErased);

/// <summary>
/// The retention run: every donor whose bound data's retention has ended (or whose unbound profile is older than
/// <c>PersonalData:ProfileRetentionDays</c> after the last activity) is erased completely. Runs daily by itself
/// (<c>PersonalData:RetentionRunInterval</c>, <c>0</c> turns it off) and on demand; idempotent, so two nodes running
/// it at once record each erasure once.
/// </summary>
public sealed class PersonalDataRetention(IDocumentStore store, IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<PersonalDataRetention> logger)
    : BackgroundService
{
    public static int ProfileRetentionDays(IConfiguration configuration) => Math.Max(0, configuration.GetValue("PersonalData:ProfileRetentionDays", 730));

    public static async Task<RetentionRunResult> RunAsync(IDocumentStore store, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        IReadOnlyList<Guid> donors;
        await using (var session = store.QuerySession())
            donors = await session.Query<DonorKey>().Select(k => k.Id).ToListAsync(ct);
        var erased = 0;
        foreach (var donorId in donors)
        {
            var result = await bus.InvokeAsync<ErasureResult>(new EraseDonorData(donorId, DonorErasure.Reasons.RetentionExpired, "retention-run", clock.GetUtcNow()), ct);
            if (result.Erased is not null) erased++;
        }
        return new RetentionRunResult(donors.Count, erased);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("PersonalData:RetentionRunInterval", TimeSpan.FromDays(1));
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var result = await RunAsync(store, scope.ServiceProvider.GetRequiredService<IMessageBus>(), clock, stoppingToken);
                logger.LogInformation("Retention run: {Checked} donors checked, {Erased} erased", result.DonorsChecked, result.DonorsErased);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "The retention run failed; the next run tries again");
            }
        }
    }
}

public sealed class Configuration : IFeatureConfiguration
{
    public void AddServices(IServiceCollection services, IConfiguration configuration) => services.AddHostedService<PersonalDataRetention>();
}
