using System.Text;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Donations.Pledging;

/// <summary>What goes into an EPC QR code (GiroCode). Empty optional texts count as absent.</summary>
public sealed record GiroCodeRequest(
    string BeneficiaryName,
    Iban Iban,
    Bic? Bic,
    Money Amount,
    string? PurposeCode,
    CreditorReference? Reference,
    string? RemittanceText,
    string? Information);

/// <summary>
/// Builds the EPC069-12 version 002 payload ("GiroCode") for a SEPA credit transfer. The texts (beneficiary name,
/// remittance text, information) are written in the SEPA character set (<see cref="SepaText"/>): umlauts are
/// transliterated (ä → ae), dashes and quotes replaced, invisible characters dropped, so every bank carries them unchanged.
/// </summary>
public static class GiroCode
{
    public const int BeneficiaryNameLengthMax = 70;
    public const int PurposeCodeLengthMax = 4;
    public const int RemittanceTextLengthMax = 140;
    public const int InformationLengthMax = 70;
    public const int PayloadSizeBytesMax = 331;
    public static readonly Money AmountMin = Money.FromCents(1);
    public static readonly Money AmountMax = Money.FromCents(99_999_999_999);

    /// <summary>
    /// Lines separated by LF, no trailing LF, trailing empty optional lines omitted. A name longer than
    /// 70 characters (after transliteration) is cut (banks show the IBAN owner anyway); every other limit is refused
    /// with an <see cref="ArgumentException"/> naming the offending property.
    /// </summary>
    public static string BuildPayload(GiroCodeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string name = Text.Cut(SepaText.ForPayload(Required(request.BeneficiaryName, nameof(request.BeneficiaryName))), BeneficiaryNameLengthMax).TrimEnd();
        if (name.Length == 0)
            throw new ArgumentException("The beneficiary name has no character of the SEPA character set.", nameof(request.BeneficiaryName));

        if (request.Iban.Value.Length == 0)
            throw new ArgumentException("An IBAN is required.", nameof(request.Iban));
        if (request.Bic is { Value.Length: 0 })
            throw new ArgumentException("The BIC is empty; pass null to omit it.", nameof(request.Bic));
        if (request.Amount < AmountMin || request.Amount > AmountMax)
            throw new ArgumentException(
                $"The amount must be between {AmountMin} and {AmountMax}, not {request.Amount}.", nameof(request.Amount));

        string purpose = Optional(request.PurposeCode, PurposeCodeLengthMax, nameof(request.PurposeCode));
        if (purpose.Length > 0 && !purpose.All(char.IsAsciiLetterOrDigit))
            throw new ArgumentException("A purpose code has only letters and digits, e.g. CHAR.", nameof(request.PurposeCode));

        if (request.Reference is { Value.Length: 0 })
            throw new ArgumentException("The reference is empty; pass null to omit it.", nameof(request.Reference));
        string text = Optional(request.RemittanceText, RemittanceTextLengthMax, nameof(request.RemittanceText));
        if (request.Reference is not null && text.Length > 0)
            throw new ArgumentException(
                "A GiroCode carries a structured reference or a remittance text, never both.", nameof(request.RemittanceText));
        string information = Optional(request.Information, InformationLengthMax, nameof(request.Information));

        string[] lines =
        [
            "BCD", "002", "1", "SCT",
            request.Bic?.Value ?? "",
            name,
            request.Iban.Value,
            "EUR" + request.Amount.ToEpcAmount(),
            purpose,
            request.Reference?.Value ?? "",
            text,
            information,
        ];
        int used = lines.Length;
        while (lines[used - 1].Length == 0) used--;
        string payload = string.Join('\n', lines, 0, used);

        int sizeBytes = Encoding.UTF8.GetByteCount(payload);
        if (sizeBytes > PayloadSizeBytesMax)
            throw new ArgumentException(
                $"The GiroCode payload has {sizeBytes} bytes; at most {PayloadSizeBytesMax} are allowed.", nameof(request));
        return payload;
    }

    private static string Required(string? value, string paramName)
    {
        string trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
            throw new ArgumentException("A value is required.", paramName);
        RefuseControlCharacters(trimmed, paramName);
        return trimmed;
    }

    private static string Optional(string? value, int lengthMax, string paramName)
    {
        string raw = value?.Trim() ?? "";
        RefuseControlCharacters(raw, paramName);
        string trimmed = SepaText.ForPayload(raw);
        if (trimmed.Length > lengthMax)
            throw new ArgumentException($"At most {lengthMax} characters are allowed, this has {trimmed.Length}.", paramName);
        return trimmed;
    }

    // A line feed inside a field would shift every following line.
    private static void RefuseControlCharacters(string value, string paramName)
    {
        if (value.Any(char.IsControl))
            throw new ArgumentException("Line breaks and other control characters are not allowed.", paramName);
    }
}
