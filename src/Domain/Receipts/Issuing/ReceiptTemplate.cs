namespace FlutHilfe.Domain.Receipts.Issuing;

/// <summary>
/// The wording of a receipt: the official template for money donations to domestic legal persons under public law
/// ("Bestätigung über Geldzuwendungen … an inländische juristische Personen des öffentlichen Rechts oder inländische
/// öffentliche Dienststellen", BMF-Schreiben vom 7. November 2013, IV C 4 - S 2223/07/0018 :005, BStBl I 2013 S. 1333,
/// Anlage 1; the collective receipt after the matching Anlage 2). The BMF letter makes the templates binding
/// (§ 50 Abs. 1 EStDV): wording and order of the prescribed passages are kept, only the passages that apply are printed.
/// <para>
/// Where the wording was looked up (2026-11): the BMF letter itself, transcribed at
/// https://doczz.net/doc/6152086/muster-f%C3%BCr-zuwendungsbest%C3%A4tigungen--%C2%A7-10b-estg- (rules 1–2 above); the
/// issuer label "Aussteller (Bezeichnung und Anschrift der inländischen juristischen Person des öffentlichen Rechts oder
/// der inländischen öffentlichen Dienststelle)" as quoted at
/// https://docplayer.org/amp/5793231-Muster-fuer-zuwendungen-an-inlaendische-zuwendungsempranger-zu-verwenden.html; the
/// heading "im Sinne des § 10b des Einkommensteuergesetzes an inländische juristische Personen des öffentlichen Rechts
/// oder inländische öffentliche Dienststellen" and the two alternatives "Die Zuwendung wird von uns unmittelbar für den
/// angegebenen Zweck verwendet." / "… entsprechend den Angaben des Zuwendenden an … weitergeleitet, die/der vom Finanzamt
/// … StNr. … mit Freistellungsbescheid bzw. nach der Anlage zum Körperschaftsteuerbescheid vom … von der
/// Körperschaftsteuer und Gewerbesteuer befreit ist." as reproduced by public implementations of this template (church
/// treasury software; found with the code search); the Sammelbestätigung sentences and "Anlage zur Sammelbestätigung vom …"
/// as quoted at http://www.mariontriess.de/?p=1620 and https://hotlib.net/htrd/983224/p24. The exemption clause is
/// printed only for a recipient that is a tax-exempt corporation; for a recipient that is itself a domestic legal person
/// under public law (a municipality) it does not apply and is left out (rule 1 of the letter).
/// </para>
/// <see cref="Version"/> is stored with every receipt, and a copy is rendered with the wording of its version.
/// </summary>
public sealed record ReceiptTemplate
{
    public string Version { get; init; } = "";
    public string IssuerLabel { get; init; } = "";
    public string Title { get; init; } = "Bestätigung über Geldzuwendungen";
    public string CollectiveTitle { get; init; } = "Sammelbestätigung über Geldzuwendungen";
    public string SubtitlePublicBody { get; init; } = "";
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
    /// <summary>Null in templates that did not print the use statement (v1).</summary>
    public string? UsedDirectly { get; init; }
    public string? PassedOnStart { get; init; }
    public string? PassedOnEnd { get; init; }
    /// <summary>{0} tax office, {1} tax number, {2} date of the notice.</summary>
    public string? ExemptionClause { get; init; }
    public string CollectiveNoOtherReceipt { get; init; } = "";
    public string SignatureLabel { get; init; } = "(Ort, Datum und Unterschrift des Zuwendungsempfängers)";
    public string LiabilityNote { get; init; } = "Hinweis: Wer vorsätzlich oder grob fahrlässig eine unrichtige Zuwendungsbestätigung erstellt oder veranlasst, dass Zuwendungen nicht zu den in der Zuwendungsbestätigung angegebenen steuerbegünstigten Zwecken verwendet werden, haftet für die entgangene Steuer (§ 10b Absatz 4 EStG, § 9 Absatz 3 KStG, § 9 Nummer 5 GewStG).";
    /// <summary>The annex heading; v2 adds " vom {date}" as the template requires.</summary>
    public string AnnexTitle { get; init; } = "Anlage zur Sammelbestätigung";
    public bool AnnexTitleCarriesDate { get; init; }
    public string AnnexDateColumn { get; init; } = "Datum der Zuwendung";
    public string AnnexKindColumn { get; init; } = "Art der Zuwendung";
    public string AnnexWaiverColumn { get; init; } = "Verzicht auf die Erstattung von Aufwendungen (ja/nein)";
    public string AnnexAmountColumn { get; init; } = "Betrag";
    public string AnnexKind { get; init; } = "Geldzuwendung";
    public string AnnexTotal { get; init; } = "Gesamtsumme";
    public string CopyMarker { get; init; } = "KOPIE – Zweitschrift der Zuwendungsbestätigung";
    public string VerifyLabel { get; init; } = "Echtheit prüfen:";

    /// <summary>The first wording (until 2026-11): without "inländische" and without the use statement. Kept to render copies of old receipts.</summary>
    public static readonly ReceiptTemplate V1 = new()
    {
        Version = "BMF-2013-11-07/Anlage-1-2/juristische-Person-oeffentliches-Recht/v1",
        IssuerLabel = "Aussteller (Bezeichnung und Anschrift der juristischen Person des öffentlichen Rechts oder der öffentlichen Dienststelle)",
        SubtitlePublicBody = "im Sinne des § 10b des Einkommensteuergesetzes an juristische Personen des öffentlichen Rechts oder öffentliche Dienststellen",
        CollectiveNoOtherReceipt = "Es wird bestätigt, dass über die in der Gesamtsumme enthaltenen Zuwendungen keine weiteren Bestätigungen, weder formelle Zuwendungsbestätigungen noch Beitragsquittungen oder Ähnliches ausgestellt wurden und werden.",
    };

    /// <summary>The wording in force: the template word for word, with the applicable use statement.</summary>
    public static readonly ReceiptTemplate V2 = new()
    {
        Version = "BMF-2013-11-07/Anlage-1-2/juristische-Person-oeffentliches-Recht/v2",
        IssuerLabel = "Aussteller (Bezeichnung und Anschrift der inländischen juristischen Person des öffentlichen Rechts oder der inländischen öffentlichen Dienststelle)",
        SubtitlePublicBody = "im Sinne des § 10b des Einkommensteuergesetzes an inländische juristische Personen des öffentlichen Rechts oder inländische öffentliche Dienststellen",
        UsedDirectly = "Die Zuwendung wird von uns unmittelbar für den angegebenen Zweck verwendet.",
        PassedOnStart = "Die Zuwendung wird entsprechend den Angaben des Zuwendenden an",
        PassedOnEnd = "weitergeleitet",
        ExemptionClause = "die/der vom Finanzamt {0} StNr. {1} mit Freistellungsbescheid bzw. nach der Anlage zum Körperschaftsteuerbescheid vom {2} von der Körperschaftsteuer und Gewerbesteuer befreit ist.",
        CollectiveNoOtherReceipt = "Es wird bestätigt, dass über die in der Gesamtsumme enthaltenen Zuwendungen keine weiteren Bestätigungen, weder formelle Zuwendungsbestätigungen noch Beitragsquittungen oder ähnliches ausgestellt wurden und werden.",
        AnnexTitleCarriesDate = true,
        AnnexKindColumn = "Art der Zuwendung (Geldzuwendung/Mitgliedsbeitrag)",
    };

    public static readonly ReceiptTemplate Default = V2;

    /// <summary>The wording a stored receipt was printed with (unknown versions fall back to the one in force).</summary>
    public static ReceiptTemplate For(string? version) => version == V1.Version ? V1 : Default;

    /// <summary>The use statement as printed: "… unmittelbar … verwendet." or "… an … weitergeleitet[, die/der … befreit ist]."</summary>
    public string? UseStatement(PrintedUse? use)
    {
        if (UsedDirectly is null || use is null) return null;
        if (!use.PassedOn) return UsedDirectly;
        var text = $"{PassedOnStart} {use.Recipient} {PassedOnEnd}";
        return use.Exemption is { } x && ExemptionClause is not null
            ? text + ", " + string.Format(System.Globalization.CultureInfo.InvariantCulture, ExemptionClause, x.TaxOffice, x.TaxNumber, Shared.GermanDate.Format(x.NoticeDate))
            : text + ".";
    }
}
