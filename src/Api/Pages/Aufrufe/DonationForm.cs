using FlutHilfe.Api.Donations.Pledging;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Domain.Appeals;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace FlutHilfe.Api.Pages.Aufrufe;

/// <summary>One line of the optional split: a municipality and/or a purpose and the part of the gift for it.</summary>
public sealed class SplitLine
{
    public string? MunicipalityId { get; set; }
    public string? PurposeId { get; set; }
    public string? Amount { get; set; }

    public bool IsEmpty => string.IsNullOrWhiteSpace(MunicipalityId) && string.IsNullOrWhiteSpace(PurposeId) && string.IsNullOrWhiteSpace(Amount);
}

/// <summary>
/// The donation form as posted (works without JavaScript). It only reads what a person typed (German amounts) into the
/// API's <see cref="PledgeRequest"/>; every rule (limits, earmarks adding up, receipt needs an address) stays in the
/// request mapping and the decision, and their refusals come back through <see cref="Field"/>.
/// </summary>
public sealed class DonationForm
{
    public const int SplitLines = 3;
    public static readonly long[] PresetCents = [2_500, 5_000, 10_000, 25_000];

    public string? Preset { get; set; }
    public string? OtherAmount { get; set; }
    public List<SplitLine> Splits { get; set; } = [];
    public bool ReceiptWanted { get; set; }
    public string? Name { get; set; }
    public string? Street { get; set; }
    public string? PostalCode { get; set; }
    public string? City { get; set; }
    public string? Email { get; set; }

    public const string Prefix = "Form";

    public static DonationForm Empty() => new() { Preset = "5000", Splits = [.. Enumerable.Range(0, SplitLines).Select(_ => new SplitLine())] };

    public void Pad()
    {
        while (Splits.Count < SplitLines) Splits.Add(new SplitLine());
        if (Splits.Count > SplitLines) Splits = Splits.Take(SplitLines).ToList();
    }

    /// <summary>The split lines that say something, with their position on the form (for errors).</summary>
    private List<(int Line, SplitLine Split)> UsedSplits() => Splits.Select((s, i) => (i, s)).Where(x => !x.s.IsEmpty).ToList();

    /// <summary>The API request, or null when the typed text is not yet an amount (the errors are in <paramref name="errors"/>).</summary>
    public PledgeRequest? ToRequest(ModelStateDictionary errors)
    {
        long? amount = null;
        if (!string.IsNullOrWhiteSpace(OtherAmount))
        {
            amount = German.ParseEuroCents(OtherAmount);
            if (amount is null) errors.AddModelError(Key(nameof(OtherAmount)), "Bitte geben Sie den Betrag in Euro an, zum Beispiel 50 oder 25,50.");
        }
        else if (long.TryParse(Preset, out var preset) && PresetCents.Contains(preset)) amount = preset;
        else errors.AddModelError(Key(nameof(OtherAmount)), "Bitte wählen Sie einen Betrag oder geben Sie einen anderen Betrag ein.");

        var used = UsedSplits();
        var earmarks = new List<EarmarkInput>();
        foreach (var (line, split) in used)
        {
            long? part;
            if (string.IsNullOrWhiteSpace(split.Amount)) part = used.Count == 1 ? amount : null; // one line: the whole gift
            else
            {
                part = German.ParseEuroCents(split.Amount);
                if (part is null) errors.AddModelError(SplitKey(line, nameof(SplitLine.Amount)), "Bitte geben Sie den Teilbetrag in Euro an.");
            }
            earmarks.Add(new EarmarkInput(split.MunicipalityId, split.PurposeId, part));
        }
        if (!errors.IsValid) return null;

        var anyDonorData = new[] { Name, Street, PostalCode, City, Email }.Any(v => !string.IsNullOrWhiteSpace(v));
        var donor = anyDonorData || ReceiptWanted ? new DonorInput(Name, Street, PostalCode, City, "DE", Email) : null;
        return new PledgeRequest(amount, earmarks, donor, ReceiptWanted);
    }

    /// <summary>Where a refused field of the pledge (its JSON path in the API) shows on this form, and in what words.</summary>
    public FormField? Field(string field, Appeal appeal)
    {
        var lines = UsedSplits();
        if (field == "amountCents")
            return new(Key(nameof(OtherAmount)), $"Bitte geben Sie einen Betrag zwischen 0,01 € und {German.Euro(appeal.PledgeLimit)} an.");
        if (field == "earmarks")
            return new(Key(nameof(Splits)), "Die Aufteilung passt nicht: Die Teilbeträge müssen zusammen den Spendenbetrag ergeben, und jede Verbindung aus Kommune und Zweck darf nur einmal vorkommen.");
        if (field.StartsWith("earmarks[", StringComparison.Ordinal) && int.TryParse(field[9..field.IndexOf(']')], out var index) && index < lines.Count)
        {
            var line = lines[index].Line;
            return field.EndsWith(".amountCents", StringComparison.Ordinal)
                ? new(SplitKey(line, nameof(SplitLine.Amount)), "Bitte geben Sie für jede Zeile der Aufteilung einen Teilbetrag an (mindestens 0,01 €).")
                : field.EndsWith(".municipalityId", StringComparison.Ordinal)
                    ? new(SplitKey(line, nameof(SplitLine.MunicipalityId)), "Diese Kommune gehört nicht zu diesem Spendenaufruf.")
                    : new(SplitKey(line, nameof(SplitLine.PurposeId)), "Diesen Zweck gibt es in diesem Spendenaufruf nicht.");
        }
        return field switch
        {
            "donor" => new(Key("Address"), "Für eine Zuwendungsbestätigung brauchen wir Ihren Namen und Ihre Postanschrift (Straße, Postleitzahl, Ort)."),
            "donor.name" => new(Key(nameof(Name)), "Bitte geben Sie Ihren Namen in einer Zeile an (höchstens 70 Zeichen)."),
            "donor.street" => new(Key(nameof(Street)), "Bitte geben Sie Straße und Hausnummer in einer Zeile an (höchstens 70 Zeichen)."),
            "donor.postalCode" => new(Key(nameof(PostalCode)), "Bitte geben Sie die Postleitzahl an (höchstens 10 Zeichen)."),
            "donor.city" => new(Key(nameof(City)), "Bitte geben Sie den Ort in einer Zeile an (höchstens 70 Zeichen)."),
            "donor.email" => new(Key(nameof(Email)), "Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@example.de."),
            _ => null,
        };
    }

    public static string Key(string property) => $"{Prefix}.{property}";

    public static string SplitKey(int line, string property) => $"{Prefix}.{nameof(Splits)}[{line}].{property}";
}
