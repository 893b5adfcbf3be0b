using System.Collections.Frozen;

namespace FlutHilfe.BankFiles;

/// <summary>How a booking was recognised as a return or reversal (kept on the payment fact for the auditor).</summary>
public static class ReturnSignals
{
    public const string ReversalIndicator = "RvslInd";
    public const string ReturnInformation = "RtrInf";
    public const string IsoCode = "BkTxCd/Domn";
    public const string DkCode = "BkTxCd/Prtry";
}

/// <summary>
/// Bank transaction codes that mark a return ("Rückgabe", "Rücküberweisung", "Retoure", "Rücklastschrift"). Some banks
/// deliver a return only with its code, without <c>RtrInf</c> or <c>RvslInd</c>, so the code alone must suffice.
/// <para><b>ISO 20022</b> (<c>BkTxCd/Domn</c>, external code sets, ExternalBankTransactionSubFamily1Code): the
/// sub-families <c>RRTN</c> "Reversal due to payment return", <c>RPCR</c> "Reversal due to payment cancellation
/// request" (a recall) and <c>UPDD</c> "Reversal due to return/unpaid direct debit", in any family of the
/// <c>PMNT</c> domain. <c>PMNT/RCDT/RRTN</c> is a received credit transfer given back (money out: the donor's
/// money leaves); <c>PMNT/ICDT/RRTN</c> is a transfer we sent coming back (money in that is no donation).</para>
/// <para><b>Deutsche Kreditwirtschaft</b> (<c>BkTxCd/Prtry/Cd</c> with <c>Issr</c> DK, formerly ZKA), built as
/// "N" + SWIFT transaction type + "+" + Geschäftsvorfallcode (GVC) [+ Primanota / Textschlüsselergänzung], e.g.
/// <c>NRTI+159+00931</c>. Recognised as returns: the SWIFT type <c>RTI</c> ("returned item") whatever the GVC, and
/// the GVCs 159 (SEPA-Überweisung: Rücküberweisung/Retoure), 108 and 109 (SEPA returns, Rücklastschrift/
/// Rückbelastung) and 009 (Rücklastschrift of the old DTAUS procedure, "RUECKLASTSCHR."). Source: DFÜ-Abkommen Anlage 3
/// (Formatstandards), Kapitel "Geschäftsvorfallcodes" and the GVC ↔ ISO BTC mapping, version 3.x
/// (https://www.ebics.de/de/datenformate), as tabulated in UniCredit/HypoVereinsbank "Elektronische
/// Kontoinformation – Geschäftsvorfall- und Rückgabecodes" (June 2018, and the English edition of August 2021);
/// 108/109 as the SEPA return codes also in Continia "Dynamo Payment: Setting up Text Code Supplements and
/// Transaction Codes". Direction decides the meaning: a debit with such a code takes money back from a donation,
/// a credit with such a code is money of ours coming back.</para>
/// </summary>
public static class ReturnCodes
{
    private static readonly FrozenSet<string> IsoReturnSubFamilies = new[] { "RRTN", "RPCR", "UPDD" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>German GVCs of returns (see the class remarks for the source).</summary>
    public static readonly FrozenSet<string> DkReturnGvcs = new[] { "009", "108", "109", "159" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>SWIFT transaction type "returned item" inside a DK code (<c>NRTI+…</c>).</summary>
    public const string DkReturnedItem = "NRTI";

    /// <summary>True for an ISO domain code "PMNT/&lt;family&gt;/&lt;return sub-family&gt;".</summary>
    public static bool IsIsoReturn(string? domainCode)
    {
        if (domainCode is null) return false;
        var parts = domainCode.Split('/');
        return parts.Length == 3 && parts[0].Equals("PMNT", StringComparison.OrdinalIgnoreCase) && IsoReturnSubFamilies.Contains(parts[2]);
    }

    /// <summary>
    /// True for a DK proprietary code of a return. The GVC is read only when the issuer is DK or ZKA, or when no
    /// issuer is given and the code has the DK shape (another issuer's numbers mean something else).
    /// </summary>
    public static bool IsDkReturn(string? proprietaryCode, string? issuer)
    {
        if (proprietaryCode is null) return false;
        if (issuer is not null && !issuer.Equals("DK", StringComparison.OrdinalIgnoreCase) && !issuer.Equals("ZKA", StringComparison.OrdinalIgnoreCase))
            return false;
        var parts = proprietaryCode.Trim().Split('+');
        if (parts.Length < 2 || parts[0].Length != 4 || parts[0][0] != 'N' || parts[1].Length != 3 || !parts[1].All(char.IsAsciiDigit))
            return false;
        return parts[0].Equals(DkReturnedItem, StringComparison.OrdinalIgnoreCase) || DkReturnGvcs.Contains(parts[1]);
    }

    /// <summary>
    /// Which signal marks this booking as a return, if any: the reversal indicator, return information, an ISO
    /// or a DK bank transaction code (on the transaction first, then on the entry).
    /// </summary>
    public static string? Signal(CamtEntry entry, CamtTransaction? tx)
    {
        if (entry.Reversal) return ReturnSignals.ReversalIndicator;
        if (tx is not null && (tx.HasReturnInformation || tx.ReturnReasonCode is not null)) return ReturnSignals.ReturnInformation;
        if (IsIsoReturn(tx?.BankTransactionCode) || IsIsoReturn(entry.BankTransactionCode)) return ReturnSignals.IsoCode;
        if (IsDkReturn(tx?.ProprietaryBankTransactionCode, tx?.ProprietaryBankTransactionCodeIssuer)
            || IsDkReturn(entry.ProprietaryBankTransactionCode, entry.ProprietaryBankTransactionCodeIssuer))
            return ReturnSignals.DkCode;
        return null;
    }
}
