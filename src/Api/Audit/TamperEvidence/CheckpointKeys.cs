using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FlutHilfe.Api.Audit.TamperEvidence;

/// <summary>A checkpoint as signed: the chain hash after the event <see cref="Sequence"/>, over <see cref="Events"/> events.</summary>
public sealed record Checkpoint(long Sequence, byte[] Hash, long Events, DateTimeOffset SignedAt, string KeyId, byte[] Signature)
{
    /// <summary>The signed bytes (UTF-8): <c>fluthilfe-checkpoint/1 LF sequence LF hash (hex) LF events LF signed at (UTC, microseconds)</c>.</summary>
    public static byte[] Message(long sequence, ReadOnlySpan<byte> hash, long events, DateTimeOffset signedAt)
        => Encoding.UTF8.GetBytes(string.Join('\n', "fluthilfe-checkpoint/1", sequence.ToString(CultureInfo.InvariantCulture), Convert.ToHexStringLower(hash),
            events.ToString(CultureInfo.InvariantCulture), EventChain.Timestamp(signedAt.UtcDateTime)));
}

/// <summary>
/// The ECDSA P-256 key that signs checkpoints (SHA-256, signature as r||s, IEEE P1363) and the public keys verification trusts.
/// <c>Audit:CheckpointSigningKey</c> holds the private key as PEM (PKCS#8 or SEC1); <c>Audit:TrustedPublicKeys</c> may add
/// earlier public keys (PEM, SubjectPublicKeyInfo) after a rotation. In Development without a configured key one is
/// generated for the life of the process (tests, a first <c>ops/run</c>); elsewhere no checkpoint is signed without one.
/// </summary>
public sealed class CheckpointKeys : IDisposable
{
    private readonly ECDsa? _signing;
    private readonly Dictionary<string, ECDsa> _trusted = new(StringComparer.Ordinal);

    public CheckpointKeys(string? signingKeyPem, IEnumerable<string> trustedPublicKeyPems, bool generateWhenMissing)
    {
        if (!string.IsNullOrWhiteSpace(signingKeyPem))
        {
            _signing = ECDsa.Create();
            _signing.ImportFromPem(signingKeyPem);
        }
        else if (generateWhenMissing)
        {
            _signing = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        }
        if (_signing is not null)
        {
            if (_signing.KeySize != 256) throw new InvalidOperationException("Audit:CheckpointSigningKey must be an ECDSA P-256 key.");
            SigningKeyId = IdOf(_signing);
            _trusted[SigningKeyId] = _signing;
        }
        foreach (var pem in trustedPublicKeyPems.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            var key = ECDsa.Create();
            key.ImportFromPem(pem);
            _trusted.TryAdd(IdOf(key), key);
        }
    }

    public string? SigningKeyId { get; }

    public bool CanSign => _signing is not null;

    /// <summary>The public keys verification trusts, as PEM (SubjectPublicKeyInfo), by key id.</summary>
    public IReadOnlyDictionary<string, string> PublicKeys => _trusted.ToDictionary(p => p.Key, p => p.Value.ExportSubjectPublicKeyInfoPem());

    public Checkpoint Sign(long sequence, byte[] hash, long events, DateTimeOffset now)
    {
        if (_signing is null) throw new InvalidOperationException("No checkpoint signing key is configured (Audit:CheckpointSigningKey).");
        // PostgreSQL keeps microseconds: sign exactly what will be stored.
        var signedAt = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
        var signature = _signing.SignData(Checkpoint.Message(sequence, hash, events, signedAt), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new Checkpoint(sequence, hash, events, signedAt, SigningKeyId!, signature);
    }

    /// <summary>Null when the signature holds under a trusted key, else why not.</summary>
    public string? Check(Checkpoint c)
    {
        if (!_trusted.TryGetValue(c.KeyId, out var key)) return $"signed by key {c.KeyId}, which is not a trusted key";
        return key.VerifyData(Checkpoint.Message(c.Sequence, c.Hash, c.Events, c.SignedAt), c.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? null
            : "the signature does not match the checkpoint";
    }

    /// <summary>Key id: the first 16 hex digits of the SHA-256 of the public key (SubjectPublicKeyInfo, DER).</summary>
    public static string IdOf(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];

    public void Dispose()
    {
        foreach (var key in _trusted.Values.Distinct()) key.Dispose();
    }
}
