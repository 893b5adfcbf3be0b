using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FlutHilfe.Api.Donations.Pledging;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Api.Donations.Viewing;

/// <summary>A link to the donor page put into a mail, and the last day it opens the page.</summary>
public sealed record MailedDonorLink(string Url, DateOnly ValidUntil)
{
    /// <summary>The line the mails print, e.g. "(gültig bis 28.11.2026)".</summary>
    public string ValidUntilText => $"gültig bis {GermanDate.Format(ValidUntil)}";
}

/// <summary>
/// The one check of a donor token. Two kinds open a donation: the token handed out once at pledge time (only its hash is
/// stored) and a mailed token, put only into mails to the donor's own stored address: <c>m1.&lt;yyyymmdd&gt;.&lt;mac&gt;</c>, the
/// HMAC-SHA256 over ("donor-link", donation id, last valid day), keyed by a key derived (HKDF-SHA256, its own label) from
/// <c>Receipts:VerificationKey</c>. Nothing is stored for it, so it cannot be revoked before it lapses; it lapses after the
/// day it names (German civil day). A forged, altered, lapsed or other donation's token is refused exactly like a wrong one.
/// </summary>
public sealed class DonorAccess
{
    public const string Version = "m1";
    public const int MailedLinkDaysDefault = 60;
    public const int MailedLinkDaysMax = 366;
    /// <summary>An earmark question's link stays valid this long after its answer day (the donor page shows the outcome).</summary>
    public const int EarmarkLinkGraceDays = 14;

    private readonly byte[] _key;
    private readonly TimeProvider _clock;
    private readonly string _baseUrl;

    public DonorAccess(IConfiguration configuration, ReceiptSettings receipts, TimeProvider clock)
    {
        var secret = configuration["Receipts:VerificationKey"] ?? "";
        // Without a secret anyone could compute the links: none is issued or accepted (the service refuses to start without one).
        _key = secret.Length == 0 ? [] : HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32,
            info: Encoding.ASCII.GetBytes("fluthilfe/mailed-donor-link"));
        MailedLinkDays = configuration.GetValue("Donors:MailedLinkDays", MailedLinkDaysDefault);
        if (MailedLinkDays is < 1 or > MailedLinkDaysMax)
            throw new InvalidOperationException($"Donors:MailedLinkDays must lie between 1 and {MailedLinkDaysMax}.");
        _clock = clock;
        _baseUrl = receipts.BaseUrl;
    }

    /// <summary>How many days a mailed link stays valid from the day it is sent (<c>Donors:MailedLinkDays</c>, 60 by default); earmark mails use the answer day + 14.</summary>
    public int MailedLinkDays { get; }

    /// <summary>Whether <paramref name="token"/> opens <paramref name="donation"/>: the pledge-time token or a valid mailed one for it.</summary>
    public bool Allows(string? token, Donation donation) => DonorToken.Matches(token, donation.DonorTokenHash) || MailedTokenValid(token, donation.Id);

    /// <summary>The token to mail for <paramref name="donationId"/>, valid through <paramref name="validUntil"/>.</summary>
    public string Issue(Guid donationId, DateOnly validUntil)
    {
        if (_key.Length == 0) throw new InvalidOperationException("Receipts:VerificationKey is not set: no donor link can be mailed.");
        return $"{Version}.{Day(validUntil)}.{Mac(donationId, validUntil)}";
    }

    /// <summary>The absolute donor page link to mail (on <c>PublicBaseUrl</c>).</summary>
    public MailedDonorLink Link(Guid donationId, DateOnly validUntil)
        => new(_baseUrl + PledgeEndpoint.DonorPageUrl(donationId, Issue(donationId, validUntil)), validUntil);

    /// <summary>The link of a mail sent on <paramref name="sentAt"/> that has no deadline of its own.</summary>
    public MailedDonorLink Link(Guid donationId, DateTimeOffset sentAt) => Link(donationId, GermanDate.DayOf(sentAt).AddDays(MailedLinkDays));

    private bool MailedTokenValid(string? token, Guid donationId)
    {
        if (_key.Length == 0 || token is null || token.Length > 100) return false;
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0] != Version
            || !DateOnly.TryParseExact(parts[1], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var validUntil)) return false;
        var macOk = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(donationId, validUntil)), Encoding.ASCII.GetBytes(parts[2]));
        return macOk && GermanDate.DayOf(_clock.GetUtcNow()) <= validUntil;
    }

    private string Mac(Guid donationId, DateOnly validUntil)
    {
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"donor-link\n{donationId:D}\n{Day(validUntil)}"));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static string Day(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}

public sealed class Configuration : IFeatureConfiguration
{
    public void AddServices(IServiceCollection services, IConfiguration configuration) => services.AddSingleton<DonorAccess>();
}
