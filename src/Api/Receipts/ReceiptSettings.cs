using System.Security.Cryptography;
using System.Text;
using FlutHilfe.Documents.Receipts;
using FlutHilfe.Api.Receipts.Verifying;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Api.Receipts;

/// <summary>Receipt wording, rules and keys from configuration (<c>Receipts:*</c>, and <c>PublicBaseUrl</c>).</summary>
public sealed class ReceiptSettings
{
    /// <summary>The purpose the money is confirmed to serve ("… nur zur Förderung …").</summary>
    public string PurposeText { get; set; } = "der Jugendhilfe sowie der Hilfe für durch Naturkatastrophen Geschädigte (Kinder in den vom Hochwasser im Juli 2021 betroffenen Kommunen)";
    public string Place { get; set; } = "Aachen";
    /// <summary>The tax office the use of machine-made receipts was notified to (R 10b.1 Abs. 4 EStR).</summary>
    public string TaxOffice { get; set; } = "Finanzamt Aachen-Stadt";
    /// <summary>The day that notice was given; required outside Development (printed on every receipt).</summary>
    public DateOnly? TaxOfficeNoticeDate { get; set; }
    /// <summary>Days a partly paid pledge waits for further payments before its receipt is issued (<see cref="ReceiptPolicy"/>).</summary>
    public int PartialPaymentGraceDays { get; set; } = ReceiptPolicy.GraceDaysDefault;
    /// <summary>Per-appeal overrides of the purpose text.</summary>
    public Dictionary<string, string> PurposeTextPerAppeal { get; set; } = [];
    /// <summary>Key of the MAC in verification links, so receipt numbers cannot be enumerated.</summary>
    public string VerificationKey { get; set; } = "";
    /// <summary>
    /// Absolute base of every link printed on receipts (e.g. https://spenden.example.org). Read from the top-level
    /// <c>PublicBaseUrl</c> (an older <c>Receipts:PublicBaseUrl</c> is still honoured); required outside Development.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>Used in Development when no <c>PublicBaseUrl</c> is set (the address <c>ops/run</c> listens on).</summary>
    public const string DevelopmentBaseUrl = "http://127.0.0.1:5080";

    public ReceiptTerms TermsFor(string appealId)
        => new(PurposeTextPerAppeal.GetValueOrDefault(appealId) ?? PurposeText, Place, Template.Version, MachineNote, GermanAmount.InWords);

    /// <summary>The wording in force; its version is stored with every receipt.</summary>
    public ReceiptTemplate Template => ReceiptTemplate.Default;

    /// <summary>The note on machine-made receipts, with the tax office and the date it was notified (frozen into every receipt).</summary>
    public string MachineNote
        => "Diese Zuwendungsbestätigung wurde maschinell erstellt und ist ohne Unterschrift gültig. Die Verwendung maschinell erstellter "
           + $"Zuwendungsbestätigungen wurde dem {TaxOffice}{(TaxOfficeNoticeDate is { } date ? " am " + GermanDate.Format(date) : "")} angezeigt.";

    public string VerificationCode(string number)
    {
        // No built-in fallback: a key in the source would let anyone compute the codes (the service refuses to start
        // without one, see RequiredSettings).
        if (string.IsNullOrEmpty(VerificationKey)) throw new InvalidOperationException("Receipts:VerificationKey is not set.");
        var key = Encoding.UTF8.GetBytes(VerificationKey);
        var mac = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(number));
        return Convert.ToBase64String(mac, 0, 12).Replace('+', '-').Replace('/', '_');
    }

    public bool Verifies(string number, string? code)
        => code is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(VerificationCode(number)), Encoding.ASCII.GetBytes(code));

    /// <summary>The absolute URL of the human-readable verification page (printed and in the QR code).</summary>
    public string VerificationUrl(string number)
        => $"{BaseUrl}{VerificationPage.PathFor(number)}?c={VerificationCode(number)}";

    /// <summary>The absolute base without a trailing slash.</summary>
    public string BaseUrl => (string.IsNullOrWhiteSpace(PublicBaseUrl) ? DevelopmentBaseUrl : PublicBaseUrl.Trim()).TrimEnd('/');

    /// <summary>Reads the settings; <c>PublicBaseUrl</c> at the top level wins over the older <c>Receipts:PublicBaseUrl</c>.</summary>
    public static ReceiptSettings From(IConfiguration configuration)
    {
        var settings = configuration.GetSection("Receipts").Get<ReceiptSettings>() ?? new ReceiptSettings();
        if (configuration["PublicBaseUrl"] is { Length: > 0 } baseUrl) settings.PublicBaseUrl = baseUrl;
        return settings;
    }

    /// <summary>Why these settings cannot run a service outside Development, or null when they can.</summary>
    public string? Problem(bool development)
    {
        if (PartialPaymentGraceDays is < 0 or > ReceiptPolicy.GraceDaysMax)
            return $"Receipts:PartialPaymentGraceDays must lie between 0 and {ReceiptPolicy.GraceDaysMax}.";
        if (!string.IsNullOrWhiteSpace(PublicBaseUrl)
            && (!Uri.TryCreate(PublicBaseUrl.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Query.Length > 0 || uri.Fragment.Length > 0))
            return $"PublicBaseUrl must be an absolute http(s) URL without query, such as https://spenden.example.org (got '{PublicBaseUrl}').";
        if (development) return null;
        if (string.IsNullOrWhiteSpace(PublicBaseUrl))
            return "PublicBaseUrl is required outside Development: every receipt prints an absolute verification link (e.g. PublicBaseUrl=https://spenden.example.org).";
        if (TaxOfficeNoticeDate is null)
            return "Receipts:TaxOfficeNoticeDate is required outside Development: machine-made receipts state when their use was notified to the tax office (e.g. Receipts__TaxOfficeNoticeDate=2021-11-15).";
        return null;
    }
}

/// <summary>Refuses to start the service (not the command line) with receipt settings that would print wrong receipts.</summary>
internal sealed class ReceiptConfigurationCheck(ReceiptSettings settings, IHostEnvironment environment) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
        => settings.Problem(environment.IsDevelopment()) is { } problem ? throw new InvalidOperationException(problem) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Where receipt mails go out (<c>Smtp:*</c>). No host: mail is switched off.</summary>
public sealed class SmtpSettings
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 25;
    public bool UseStartTls { get; set; }
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "spenden@region-aachen.example";
    public string FromName { get; set; } = "Region Aachen Zweckverband – Spendenaktion";
    /// <summary>At most this many SMTP connections side by side for one batch of receipt mails (each carries 20 or more).</summary>
    public int Connections { get; set; } = 4;
    /// <summary>Where notices for the treasurer go (e.g. a receipt cancelled by a bank return).</summary>
    public string? TreasurerAddress { get; set; }
}
