using System.Security.Cryptography;
using System.Text.Json;
using FlutHilfe.Domain.Receipts.Issuing;
using JasperFx;
using Marten;

namespace FlutHilfe.Api.Infrastructure.PersonalData;

/// <summary>A donor's own encryption key. Deleting it erases the person from every receipt fact (crypto-shredding).</summary>
public sealed class DonorKey
{
    public Guid Id { get; set; }
    public byte[] Key { get; set; } = [];
}

/// <summary>
/// Encrypts the personal part of frozen facts (the donor as printed on a receipt) with the donor's key,
/// AES-256-GCM: events keep the ciphertext, the personal-data store keeps the key (DESIGN §9).
/// </summary>
public static class DonorKeys
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public static async Task<string> ProtectAsync(IDocumentSession session, Guid donorId, PrintedDonor donor, CancellationToken ct)
    {
        var key = await session.LoadAsync<DonorKey>(donorId, ct);
        if (key is null)
        {
            key = new DonorKey { Id = donorId, Key = RandomNumberGenerator.GetBytes(32) };
            session.Insert(key);
        }
        return Protect(key, donor);
    }

    /// <summary>The donor as printed, encrypted with a key already loaded (a batch of receipts).</summary>
    public static string Protect(DonorKey key, PrintedDonor donor)
    {
        var donorId = key.Id;
        var plain = JsonSerializer.SerializeToUtf8Bytes(donor);
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var cipher = new byte[plain.Length];
        var tag = new byte[TagBytes];
        using (var aes = new AesGcm(key.Key, TagBytes)) aes.Encrypt(nonce, plain, cipher, tag, donorId.ToByteArray());
        return Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    /// <summary>The donor as printed, or null when the donor was erased.</summary>
    public static async Task<PrintedDonor?> UnprotectAsync(IQuerySession session, Guid donorId, string protectedDonor, CancellationToken ct)
        => Unprotect(await session.LoadAsync<DonorKey>(donorId, ct), donorId, protectedDonor);

    /// <summary>The donor as printed with a key already loaded (null: the donor was erased).</summary>
    public static PrintedDonor? Unprotect(DonorKey? key, Guid donorId, string protectedDonor)
    {
        if (key is null) return null;
        var bytes = Convert.FromBase64String(protectedDonor);
        var plain = new byte[bytes.Length - NonceBytes - TagBytes];
        using (var aes = new AesGcm(key.Key, TagBytes)) aes.Decrypt(bytes[..NonceBytes], bytes[(NonceBytes + TagBytes)..], bytes[NonceBytes..(NonceBytes + TagBytes)], plain, donorId.ToByteArray());
        return JsonSerializer.Deserialize<PrintedDonor>(plain);
    }
}
