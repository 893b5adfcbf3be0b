using System.Security.Cryptography;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Donations.Pledging;

/// <summary>
/// Creditor references for pledges: 16 random digits (53 bits) behind RF and check digits,
/// "RF47 1234 5678 9012 3456". Digits only, so donors who retype it on a phone keypad cannot mix up
/// O and 0. Uniqueness is enforced by a unique index on the donation snapshot; the chance of a clash is
/// about 1 in 20,000 after a million pledges, and a clash refuses the pledge instead of merging two.
/// </summary>
public static class PaymentReference
{
    public const int Digits = 16;

    public static CreditorReference New()
    {
        Span<char> digits = stackalloc char[Digits];
        for (var i = 0; i < Digits; i++) digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        return CreditorReference.Create(new string(digits));
    }
}
