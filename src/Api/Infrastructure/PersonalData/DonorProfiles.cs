using System.Security.Cryptography;
using System.Text.Json;
using FlutHilfe.Domain.Donors;
using Marten;
using Wolverine.Marten;

namespace FlutHilfe.Api.Infrastructure.PersonalData;

/// <summary>
/// A donor profile as stored: name, address and e-mail sealed with AES-256-GCM under the donor's own key
/// (<see cref="DonorKey"/>), so no table holds them readable, and deleting the key erases the person.
/// </summary>
public sealed class SealedDonorProfile
{
    public Guid Id { get; set; }
    public byte[] Sealed { get; set; } = [];
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>Donors' profiles (opened) and keys, by donor id.</summary>
public sealed record DonorRecords(IReadOnlyDictionary<Guid, DonorProfile> Profiles, IReadOnlyDictionary<Guid, DonorKey> Keys);

/// <summary>Reads and writes donor profiles through their seal; the rest of the code sees plain <see cref="DonorProfile"/>s.</summary>
public static class DonorProfiles
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    /// <summary>A new donor: creates the donor's key and the sealed profile in the same session (one transaction).</summary>
    public static void StoreNew(IDocumentSession session, DonorProfile profile)
    {
        var key = new DonorKey { Id = profile.Id, Key = RandomNumberGenerator.GetBytes(32) };
        session.Insert(key);
        session.Store(Seal(profile, key));
    }

    /// <summary>The same as a side effect a command handler returns (nothing when the donor stays anonymous).</summary>
    public static IMartenOp New(DonorProfile? profile) => profile is null ? MartenOps.Nothing() : new StoreNewDonor(profile);

    private sealed record StoreNewDonor(DonorProfile Profile) : IMartenOp
    {
        public void Execute(IDocumentSession session) => StoreNew(session, Profile);
    }

    /// <summary>A changed profile of a known donor (or a new one without a key yet).</summary>
    public static async Task StoreAsync(IDocumentSession session, DonorProfile profile, CancellationToken ct)
    {
        var key = await session.LoadAsync<DonorKey>(profile.Id, ct);
        if (key is null)
        {
            StoreNew(session, profile);
            return;
        }
        session.Store(Seal(profile, key));
    }

    /// <summary>The profile, or null when there is none or the donor was erased (key deleted).</summary>
    public static async Task<DonorProfile?> LoadAsync(IQuerySession session, Guid donorId, CancellationToken ct)
    {
        var stored = await session.LoadAsync<SealedDonorProfile>(donorId, ct);
        var key = stored is null ? null : await session.LoadAsync<DonorKey>(donorId, ct);
        if (stored is null || key is null) return null;
        return Open(stored, key);
    }

    /// <summary>
    /// Many donors' profiles and keys in one round trip (a batch of receipts). A profile is in the answer only when its
    /// donor's key exists (not erased); a key may be there without a profile.
    /// </summary>
    public static async Task<DonorRecords> LoadManyAsync(IQuerySession session, IEnumerable<Guid> donorIds, CancellationToken ct)
    {
        var ids = donorIds.Distinct().ToArray();
        if (ids.Length == 0) return new DonorRecords(new Dictionary<Guid, DonorProfile>(), new Dictionary<Guid, DonorKey>());
        var batch = session.CreateBatchQuery();
        var profiles = batch.LoadMany<SealedDonorProfile>().ById(ids);
        var keys = batch.LoadMany<DonorKey>().ById(ids);
        await batch.Execute(ct);
        var keyById = (await keys).ToDictionary(k => k.Id);
        var opened = (await profiles).Where(p => keyById.ContainsKey(p.Id)).ToDictionary(p => p.Id, p => Open(p, keyById[p.Id]));
        return new DonorRecords(opened, keyById);
    }

    private static DonorProfile Open(SealedDonorProfile stored, DonorKey key)
    {
        var bytes = stored.Sealed;
        var plain = new byte[bytes.Length - NonceBytes - TagBytes];
        using (var aes = new AesGcm(key.Key, TagBytes))
            aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes + TagBytes), bytes.AsSpan(NonceBytes, TagBytes), plain, stored.Id.ToByteArray());
        return JsonSerializer.Deserialize<DonorProfile>(plain)!;
    }

    private static SealedDonorProfile Seal(DonorProfile profile, DonorKey key)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(profile);
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var cipher = new byte[plain.Length];
        var tag = new byte[TagBytes];
        using (var aes = new AesGcm(key.Key, TagBytes)) aes.Encrypt(nonce, plain, cipher, tag, profile.Id.ToByteArray());
        return new SealedDonorProfile { Id = profile.Id, Sealed = [.. nonce, .. tag, .. cipher], RecordedAt = profile.RecordedAt };
    }
}
