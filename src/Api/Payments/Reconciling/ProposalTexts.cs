using FlutHilfe.Domain.Payments;

namespace FlutHilfe.Api.Payments.Reconciling;

/// <summary>Stable codes for the reasons of a proposal, and their words (English for the API, German for the treasury's pages).</summary>
public static class ProposalTexts
{
    public static ProposalReasonView For(ProposalReason reason) => reason switch
    {
        ProposalReason.NamedInTransfer => new("named-in-transfer",
            "The transfer names this pledge's reference (among several that do not add up to it).",
            "Die Überweisung nennt die Referenz dieser Zusage (neben weiteren, deren Beträge nicht aufgehen)."),
        ProposalReason.PayerIbanSeenBefore => new("payer-iban-seen-before",
            "An earlier payment from the same IBAN went to this donor.",
            "Eine frühere Zahlung von derselben IBAN ging an diesen Spender."),
        ProposalReason.PayerNameSeenBefore => new("payer-name-seen-before",
            "An earlier payment from a payer of the same name went to this donor.",
            "Eine frühere Zahlung eines gleichnamigen Auftraggebers ging an diesen Spender."),
        ProposalReason.AmountEqualsOutstanding => new("amount-equals-outstanding",
            "The amount is exactly what the pledge still waits for.",
            "Der Betrag entspricht genau dem noch offenen Betrag der Zusage."),
        ProposalReason.AmountEqualsPledge => new("amount-equals-pledge",
            "The amount is exactly the pledged amount.",
            "Der Betrag entspricht genau dem zugesagten Betrag."),
        ProposalReason.AmountEqualsEarlierPayment => new("amount-equals-earlier-payment",
            "The donation received a payment of exactly the returned amount.",
            "Die Spende erhielt eine Zahlung in genau der zurückgebuchten Höhe."),
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}
