using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;

namespace FlutHilfe.Domain.Tests.Support;

/// <summary>Receipts for the receipt specs.</summary>
public static class ReceiptSamples
{
    /// <summary>The German calendar day of <see cref="Samples.Now"/>.</summary>
    public static readonly DateOnly IssuedOn = new(2021, 11, 15);

    public static readonly ReceiptTerms Terms = new("der Jugendhilfe", "Aachen", ReceiptTemplate.Default.Version, "maschinell", amount => $"[{amount.Cents} Cent]");

    /// <summary>The frozen fact that starts a receipt's stream, over these payments (collective when more than one).</summary>
    public static ReceiptIssued Issued(string number, params ReceiptablePayment[] payments)
        => ReceiptDecision.Issue(payments, payments.Length > 1, null, null, Samples.Appeal(), new PrintedUse(false, null, null),
            new ReceiptNumbering(number, int.Parse(number[..4], System.Globalization.CultureInfo.InvariantCulture), int.Parse(number[5..], System.Globalization.CultureInfo.InvariantCulture)),
            new ReceiptHolder(Guid.CreateVersion7(), "cipher"), Terms, null, Samples.Now, IssuedOn);
}
