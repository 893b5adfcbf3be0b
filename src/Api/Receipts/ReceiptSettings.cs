using System.Security.Cryptography;
using System.Text;
using FlutHilfe.Domain.Receipts.Issuing;

namespace FlutHilfe.Api.Receipts;

/// <summary>Receipt wording and keys from configuration (<c>Receipts:*</c>). The treasurer keeps the wording in line with the BMF template in force.</summary>
public sealed class ReceiptSettings
{
    /// <summary>The purpose the money is confirmed to serve ("… nur zur Förderung …").</summary>
    public string PurposeText { get; set; } = "der Jugendhilfe sowie der Hilfe für durch Naturkatastrophen Geschädigte (Kinder in den vom Hochwasser im Juli 2021 betroffenen Kommunen)";
    public string Place { get; set; } = "Aachen";
    /// <summary>Printed on machine receipts: the tax office the use of machine receipts was notified to.</summary>
    public string TaxOfficeNotice { get; set; } = "Diese Zuwendungsbestätigung wurde maschinell erstellt und ist ohne Unterschrift gültig. Die Verwendung maschinell erstellter Zuwendungsbestätigungen wurde dem Finanzamt Aachen-Stadt angezeigt.";
    /// <summary>Per-appeal overrides of the purpose text.</summary>
    public Dictionary<string, string> PurposeTextPerAppeal { get; set; } = [];
    /// <summary>Key of the MAC in verification links, so receipt numbers cannot be enumerated.</summary>
    public string VerificationKey { get; set; } = "";
    /// <summary>Absolute base of links printed on receipts (e.g. https://spenden.example.org); the request's host if empty.</summary>
    public string PublicBaseUrl { get; set; } = "";

    public ReceiptTerms TermsFor(string appealId)
        => new(PurposeTextPerAppeal.GetValueOrDefault(appealId) ?? PurposeText, Place, Template.Version);

    /// <summary>The wording in force; its version is stored with every receipt.</summary>
    public ReceiptTemplate Template => ReceiptTemplate.Default;

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

    public string VerificationUrl(string number)
        => $"{PublicBaseUrl.TrimEnd('/')}/api/receipts/{number}/verify?c={VerificationCode(number)}";
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
    /// <summary>Where notices for the treasurer go (e.g. a receipt cancelled by a bank return).</summary>
    public string? TreasurerAddress { get; set; }
}
