using System.Security.Cryptography;
using System.Text;

namespace FlutHilfe.Domain.Donations.Pledging;

/// <summary>
/// The secret in a donor's link. Only its SHA-256 is stored; the token itself is shown once.
/// 256 random bits, so hashing without a salt is enough (there is nothing to guess).
/// </summary>
public static class DonorToken
{
    public static (string Token, string Hash) New()
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (token, Hash(token));
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool Matches(string? token, string storedHash)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100 || storedHash.Length == 0) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(token)), Encoding.ASCII.GetBytes(storedHash));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
