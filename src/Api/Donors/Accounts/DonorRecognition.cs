using FlutHilfe.Api.Donations.Viewing;
using System.Security.Cryptography;
using System.Text;
using FlutHilfe.Api.Donations.Pledging;
using FlutHilfe.Api.Donors.Merging;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using MimeKit;
using Wolverine;
using Wolverine.Http;

namespace FlutHilfe.Api.Donors.Accounts;

/// <summary>A donor account ("remember me"): the SHA-256 of its secret token (the id) and the donor record it was opened for.
/// The token itself exists only in the link handed to the donor.</summary>
public sealed class DonorAccount
{
    public string Id { get; set; } = "";
    public Guid DonorId { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
}

/// <summary>A donor record's e-mail address as a keyed hash (HMAC-SHA256 of the normalised address), to find the records of
/// the same address without storing or logging the address itself. Deleted with the donor's profile.</summary>
public sealed class DonorEmailIndex
{
    public Guid Id { get; set; }
    public string EmailHash { get; set; } = "";
}

/// <summary>A confirmation mailed to a donor record's address: the SHA-256 of its token (the id), single use, until
/// <see cref="ExpiresAt"/>.</summary>
public sealed class DonorEmailConfirmation
{
    public string Id { get; set; } = "";
    public Guid DonorId { get; set; }
    public string EmailHash { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// The key of the e-mail hashes: <c>Donors:EmailLookupKey</c> when set, else derived (HKDF-SHA256) from
/// <c>Receipts:VerificationKey</c>, which every installation has. Without the key the hashes cannot be tested against
/// guessed addresses.
/// </summary>
public sealed class DonorEmailLookup(IConfiguration configuration)
{
    private readonly byte[] _key = configuration["Donors:EmailLookupKey"] is { Length: > 0 } own
        ? SHA256.HashData(Encoding.UTF8.GetBytes(own))
        : HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(configuration["Receipts:VerificationKey"] ?? ""), 32,
            info: Encoding.ASCII.GetBytes("fluthilfe/donor-email-lookup"));

    /// <summary>Trimmed and lower-cased: the same mailbox typed in another case is the same address.</summary>
    public static string Normalise(string email) => email.Trim().ToLowerInvariant();

    public string Hash(string email) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(Normalise(email))));
}

/// <summary>What a pledge does for recognising its donor, in the pledge's own transaction.</summary>
public static class DonorRecognition
{
    public const int ConfirmationDays = 7;
    public const string AccountLinkReason = "Spenderkonto beim Zusagen angegeben";
    public const string ConfirmedEmailReason = "E-Mail-Adresse über den zugesandten Link bestätigt";

    /// <summary>
    /// Indexes the donor's e-mail address (keyed hash); opens an account when asked to ("remember me": the token is
    /// returned, only its hash stored); links the new donor record to the account's donor when the pledge names an
    /// account token. Nothing here links by e-mail: an address typed is not an address confirmed.
    /// </summary>
    public static async Task<string?> AtPledgeAsync(IDocumentSession session, DonorEmailLookup lookup, PledgeRequest request, DonorProfile? donor,
        DateTimeOffset now, CancellationToken ct)
    {
        if (donor?.Email is { } email) session.Store(new DonorEmailIndex { Id = donor.Id, EmailHash = lookup.Hash(email) });
        if (request.AccountToken is { } accountToken)
        {
            var account = await FindAccountAsync(session, accountToken, ct)
                          ?? throw DomainException.Invalid("accountToken", "No donor account with this token.");
            if (donor is null) throw DomainException.Invalid("donor", "Linking a pledge to a donor account needs donor details (at least a name or an e-mail address).");
            var root = (await DonorGroups.LoadAsync(session, ct)).RootOf(account.DonorId);
            var into = (await session.Events.FetchStreamAsync(root, token: ct)).Select(e => e.Data).Aggregate((Donor?)null, DonorErasure.Evolve);
            if (into?.Erased is not null) throw DomainException.Conflict("The donor account's donor was erased.", "accountToken");
            var linked = DonorMerging.Decide(new MergeDonors(donor.Id, root, DonorLinkVia.AccountLink, AccountLinkReason, "donor", now), null, into);
            session.Events.StartStream<Donor>(donor.Id, [.. linked]);
        }
        if (!request.RememberMe) return null;
        if (donor is null) throw DomainException.Invalid("rememberMe", "A donor account needs donor details (at least a name or an e-mail address).");
        var (token, hash) = DonorToken.New();
        session.Store(new DonorAccount { Id = hash, DonorId = donor.Id, OpenedAt = now });
        return token;
    }

    public static async Task<DonorAccount?> FindAccountAsync(IQuerySession session, string? token, CancellationToken ct)
        => string.IsNullOrEmpty(token) || token.Length > 100 ? null : await session.LoadAsync<DonorAccount>(DonorToken.Hash(token), ct);

    public static string AccountUrl(string token) => $"/api/donor-account?token={Uri.EscapeDataString(token)}";

    /// <summary>Forgets the donor's e-mail hash, accounts and open confirmations (with the erasure of the profile).</summary>
    public static void Forget(IDocumentSession session, Guid donorId)
    {
        session.Delete<DonorEmailIndex>(donorId);
        session.DeleteWhere<DonorAccount>(a => a.DonorId == donorId);
        session.DeleteWhere<DonorEmailConfirmation>(c => c.DonorId == donorId);
    }
}

public sealed record DonorAccountDonation(Guid DonationId, string AppealId, string Reference, long PledgedCents, long ReceivedCents, string Status,
    DateTimeOffset PledgedAt, IReadOnlyList<string> ReceiptNumbers);

/// <summary>The donations of a donor account: every donation of every donor record that counts as the account's donor.</summary>
public sealed record DonorAccountView(IReadOnlyList<DonorAccountDonation> Donations, long ReceivedCents);

public sealed record RecognitionAnswer(string Message);

public static class DonorRecognitionEndpoints
{
    public const int AccountDonationsMax = 1_000;

    [WolverineGet("/api/donor-account", OperationId = "getDonorAccount")]
    [AllowAnonymous]
    [EndpointSummary("A donor account's donations, across pledges (needs the account link's token)")]
    [ProducesResponseType<DonorAccountView>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<DonorAccountView> Account(string? token, IQuerySession session, CancellationToken ct)
    {
        var account = await DonorRecognition.FindAccountAsync(session, token, ct) ?? throw DomainException.NotFound("No such donor account.");
        var group = (await DonorGroups.LoadAsync(session, ct)).GroupOf(account.DonorId).Select(id => (Guid?)id).ToArray();
        var donations = await session.Query<Donation>().Where(d => group.Contains(d.DonorId))
            .OrderBy(d => d.PledgedAt).Take(AccountDonationsMax).ToListAsync(ct);
        return new DonorAccountView(donations.Select(d => new DonorAccountDonation(d.Id, d.AppealId, d.Reference, d.PledgedCents, d.ReceivedCents,
                d.Status.ToString(), d.PledgedAt, d.PaymentReceipts.Where(r => r.Valid).Select(r => r.Number).Distinct().ToList())).ToList(),
            donations.Aggregate(Money.Zero, (s, d) => s + d.Received).Cents);
    }

    [WolverinePost("/api/donations/{donationId}/email-recognition", OperationId = "requestEmailRecognition")]
    [AllowAnonymous]
    [EndpointSummary("The donor asks to link this donation to their earlier donations under the same e-mail address: a confirmation link is mailed to that address (needs the donor link's token)")]
    [ProducesResponseType<RecognitionAnswer>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<RecognitionAnswer> RequestEmailRecognition(Guid donationId, string? token, IDocumentSession session, DonorEmailLookup lookup,
        IReceiptMailer mailer, ReceiptSettings receipts, DonorAccess access, TimeProvider clock, CancellationToken ct)
    {
        var donation = await session.LoadAsync<Donation>(donationId, ct);
        if (donation is null || !access.Allows(token, donation)) throw DomainException.NotFound("No such donation.");
        var profile = donation.DonorId is { } donorId ? await DonorProfiles.LoadAsync(session, donorId, ct) : null;
        if (profile?.Email is not { } email) throw DomainException.Invalid("email", "No e-mail address is stored with this donation.");
        if (!mailer.Enabled) throw DomainException.Conflict("Mail is switched off here (no Smtp:Host): no confirmation can be sent.", "email");
        var hash = lookup.Hash(email);
        // The same answer whether or not the address has earlier donations: the answer must not tell who donated.
        var answer = new RecognitionAnswer("Falls unter dieser E-Mail-Adresse frühere Spenden bekannt sind, haben wir Ihnen einen Bestätigungslink geschickt. "
                                           + $"Erst wenn Sie ihn innerhalb von {DonorRecognition.ConfirmationDays} Tagen öffnen und bestätigen, werden die Spenden verknüpft.");
        var others = await session.Query<DonorEmailIndex>().Where(i => i.EmailHash == hash && i.Id != profile.Id).Select(i => i.Id).ToListAsync(ct);
        if (others.Count == 0) return answer;
        var groups = await DonorGroups.LoadAsync(session, ct);
        if (others.All(o => groups.RootOf(o) == groups.RootOf(profile.Id))) return answer;

        var (confirmation, confirmationHash) = DonorToken.New();
        var now = clock.GetUtcNow();
        // Mailed before the commit (as receipts are): a failed mail stores nothing; a failed commit leaves a link that answers "unknown".
        await using (var connection = await mailer.ConnectAsync(ct))
            await connection.SendAsync(ConfirmationMail(mailer.Settings, email, profile.Name, $"{receipts.BaseUrl}/spender/verknuepfen?token={Uri.EscapeDataString(confirmation)}", now), ct);
        session.Store(new DonorEmailConfirmation { Id = confirmationHash, DonorId = profile.Id, EmailHash = hash, ExpiresAt = now.AddDays(DonorRecognition.ConfirmationDays) });
        await session.SaveChangesAsync(ct);
        return answer;
    }

    [WolverinePost("/api/donor-email-confirmations", OperationId = "confirmEmailRecognition")]
    [AllowAnonymous]
    [EndpointSummary("Confirm the e-mail address through the mailed link's token: the donation's donor record is linked to the earlier donations of that address")]
    [ProducesResponseType<RecognitionAnswer>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    public static async Task<RecognitionAnswer> Confirm(string? token, IDocumentSession session, IMessageBus bus, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var confirmation = string.IsNullOrEmpty(token) || token.Length > 100 ? null : await session.LoadAsync<DonorEmailConfirmation>(DonorToken.Hash(token), ct);
        if (confirmation is null || confirmation.ExpiresAt < now) throw DomainException.NotFound("This confirmation link is unknown, used or expired.");
        var earlier = await session.Query<DonorEmailIndex>().Where(i => i.EmailHash == confirmation.EmailHash && i.Id != confirmation.DonorId)
            .Select(i => i.Id).ToListAsync(ct);
        var groups = await DonorGroups.LoadAsync(session, ct);
        var into = earlier.Select(groups.RootOf).Where(r => r != groups.RootOf(confirmation.DonorId)).Order().FirstOrDefault();
        session.Delete<DonorEmailConfirmation>(confirmation.Id);
        if (into != Guid.Empty)
            await bus.InvokeAsync<DonorGroupView>(new MergeDonors(confirmation.DonorId, into, DonorLinkVia.ConfirmedEmail, DonorRecognition.ConfirmedEmailReason, "donor", now), ct);
        await session.SaveChangesAsync(ct);
        return new RecognitionAnswer("Danke! Ihre E-Mail-Adresse ist bestätigt; Ihre Spenden unter dieser Adresse gehören jetzt zusammen.");
    }

    public static MimeMessage ConfirmationMail(SmtpSettings smtp, string to, string? name, string link, DateTimeOffset now)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.From));
        message.To.Add(new MailboxAddress(name ?? "", to));
        message.Subject = "Bitte bestätigen: Spenden unter Ihrer E-Mail-Adresse zusammenführen";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Guten Tag{(name is null ? "" : " " + name)},

                für eine neue Spende wurde gewünscht, sie mit den früheren Spenden unter dieser E-Mail-Adresse zusammenzuführen
                (eine Übersicht und eine gemeinsame Sammelbestätigung für alle Spenden eines Jahres).

                Wenn Sie das waren, bestätigen Sie es bitte über diesen Link (gültig bis {GermanDate.Format(GermanDate.DayOf(now.AddDays(DonorRecognition.ConfirmationDays)))}):

                {link}

                Wenn Sie das nicht waren, tun Sie bitte nichts: ohne Ihre Bestätigung wird nichts zusammengeführt.

                Mit freundlichen Grüßen
                Ihr Spendenteam
                """,
        };
        return message;
    }
}

public sealed class Configuration : IFeatureConfiguration
{
    public void AddServices(IServiceCollection services, IConfiguration configuration) => services.AddSingleton<DonorEmailLookup>();

    public void ConfigureStore(StoreOptions options)
    {
        options.Schema.For<DonorEmailIndex>().Index(i => i.EmailHash);
        options.Schema.For<DonorAccount>().Index(a => a.DonorId);
        options.Schema.For<DonorEmailConfirmation>();
    }
}
