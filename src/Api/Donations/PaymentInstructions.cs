using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Api.Donations;

/// <summary>What a donor needs to pay by bank transfer; shown next to the QR code, always.</summary>
public sealed record PaymentInstructions(
    string Beneficiary,
    string Iban,
    string IbanPrint,
    string? Bic,
    long AmountCents,
    string AmountText,
    string Reference,
    string ReferencePrint,
    string PurposeCode)
{
    public const string CharityPurposeCode = "CHAR";

    public static PaymentInstructions For(Appeal appeal, Donation donation)
    {
        var reference = CreditorReference.Parse(donation.Reference);
        return new PaymentInstructions(
            appeal.Account.Holder, appeal.Account.Iban.Value, appeal.Account.Iban.ToString(), appeal.Account.Bic?.Value,
            donation.Pledged.Cents, donation.Pledged.ToString(), reference.Value, reference.ToPrintString(), CharityPurposeCode);
    }

    /// <summary>The EPC069-12 payload: structured reference, purpose CHAR, the appeal's title for the donor.</summary>
    public static string EpcPayload(Appeal appeal, Donation donation)
        => GiroCode.BuildPayload(new GiroCodeRequest(
            appeal.Account.Holder,
            appeal.Account.Iban,
            appeal.Account.Bic,
            donation.Pledged,
            CharityPurposeCode,
            CreditorReference.Parse(donation.Reference),
            RemittanceText: null,
            Information: Text.Cut(SepaText.ForPayload("Spende: " + appeal.Title), GiroCode.InformationLengthMax).TrimEnd()));
}
