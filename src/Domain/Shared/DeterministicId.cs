using System.Security.Cryptography;
using System.Text;

namespace FlutHilfe.Domain.Shared;

/// <summary>
/// Name-based UUIDs (RFC 9562 version 5): the same external identity always maps to the same id,
/// so a retried command collides with its first attempt instead of duplicating it.
/// </summary>
public static class DeterministicId
{
    private static readonly Guid FlutHilfeNamespace = new("6f1c3a52-8a0e-4c61-9d3e-2b7f4e5a9c10");

    public static Guid For(string kind, string name)
    {
        var nsBytes = FlutHilfeNamespace.ToByteArray(bigEndian: true);
        var nameBytes = Encoding.UTF8.GetBytes(kind + ":" + name);
        var hash = SHA1.HashData([.. nsBytes, .. nameBytes]);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
