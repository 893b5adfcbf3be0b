namespace FlutHilfe.Domain.Receipts.Issuing;

/// <summary>
/// The wording of a receipt, following the official BMF template for money donations to legal persons under
/// public law (BMF letter of 7 Nov 2013, Anlage 1 and 2). Configuration: the treasurer keeps it in line with
/// the template in force; <see cref="Version"/> is stored with every receipt.
/// </summary>
public sealed record ReceiptTemplate
{
    public string Version { get; init; } = "BMF-2013-11-07/Anlage-1-2/juristische-Person-oeffentliches-Recht/v1";
    public string IssuerLabel { get; init; } = "Aussteller (Bezeichnung und Anschrift der juristischen Person des öffentlichen Rechts oder der öffentlichen Dienststelle)";
    public string Title { get; init; } = "Bestätigung über Geldzuwendungen";
    public string CollectiveTitle { get; init; } = "Sammelbestätigung über Geldzuwendungen";
    public string Subtitle { get; init; } = "im Sinne des § 10b des Einkommensteuergesetzes an eine der in § 5 Abs. 1 Nr. 9 des Körperschaftsteuergesetzes bezeichneten Körperschaften, Personenvereinigungen oder Vermögensmassen";
    public string SubtitlePublicBody { get; init; } = "im Sinne des § 10b des Einkommensteuergesetzes an juristische Personen des öffentlichen Rechts oder öffentliche Dienststellen";
    public string DonorLabel { get; init; } = "Name und Anschrift des Zuwendenden:";
    public string AmountDigitsLabel { get; init; } = "Betrag der Zuwendung – in Ziffern –";
    public string CollectiveAmountDigitsLabel { get; init; } = "Gesamtbetrag der Zuwendung – in Ziffern –";
    public string AmountWordsLabel { get; init; } = "– in Buchstaben –";
    public string DateLabel { get; init; } = "Tag der Zuwendung:";
    public string PeriodLabel { get; init; } = "Zeitraum der Sammelbestätigung:";
    public string WaiverLine { get; init; } = "Es handelt sich um den Verzicht auf Erstattung von Aufwendungen";
    public string CollectiveWaiverLine { get; init; } = "Ob es sich um den Verzicht auf Erstattung von Aufwendungen handelt, ist der Anlage zur Sammelbestätigung zu entnehmen.";
    public string PurposeLineStart { get; init; } = "Es wird bestätigt, dass die Zuwendung nur zur Förderung";
    public string PurposeLineEnd { get; init; } = "verwendet wird.";
    public string CollectiveNoOtherReceipt { get; init; } = "Es wird bestätigt, dass über die in der Gesamtsumme enthaltenen Zuwendungen keine weiteren Bestätigungen, weder formelle Zuwendungsbestätigungen noch Beitragsquittungen oder Ähnliches ausgestellt wurden und werden.";
    public string SignatureLabel { get; init; } = "(Ort, Datum und Unterschrift des Zuwendungsempfängers)";
    public string LiabilityNote { get; init; } = "Hinweis: Wer vorsätzlich oder grob fahrlässig eine unrichtige Zuwendungsbestätigung erstellt oder veranlasst, dass Zuwendungen nicht zu den in der Zuwendungsbestätigung angegebenen steuerbegünstigten Zwecken verwendet werden, haftet für die entgangene Steuer (§ 10b Absatz 4 EStG, § 9 Absatz 3 KStG, § 9 Nummer 5 GewStG).";
    public string MachineNote { get; init; } = "Diese Zuwendungsbestätigung wurde maschinell erstellt und ist ohne Unterschrift gültig. Die Verwendung maschinell erstellter Zuwendungsbestätigungen wurde dem zuständigen Finanzamt angezeigt.";
    public string AnnexTitle { get; init; } = "Anlage zur Sammelbestätigung";
    public string CopyMarker { get; init; } = "KOPIE – Zweitschrift der Zuwendungsbestätigung";
    public string VerifyLabel { get; init; } = "Echtheit prüfen:";

    public static readonly ReceiptTemplate Default = new();
}
