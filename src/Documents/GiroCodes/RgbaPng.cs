using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace FlutHilfe.Documents.GiroCodes;

/// <summary>Minimal PNG writer: one IHDR, one IDAT, IEND; 8-bit RGBA; filter "none" on every row.</summary>
internal static class RgbaPng
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static byte[] Write(IReadOnlyList<System.Collections.BitArray> modules, int pixelsPerModule)
    {
        int size = modules.Count * pixelsPerModule;
        using var output = new MemoryStream();
        output.Write(Signature);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), size);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), size);
        header[8] = 8; // bit depth
        header[9] = 6; // colour type RGBA; compression, filter, interlace stay 0
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", CompressedRows(modules, pixelsPerModule, size));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static byte[] CompressedRows(IReadOnlyList<System.Collections.BitArray> modules, int pixelsPerModule, int size)
    {
        var row = new byte[1 + size * 4];
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            foreach (var moduleRow in modules)
            {
                for (int x = 0; x < size; x++)
                {
                    byte shade = moduleRow[x / pixelsPerModule] ? (byte)0 : (byte)255;
                    row.AsSpan(1 + x * 4, 3).Fill(shade);
                    row[1 + x * 4 + 3] = 255;
                }
                for (int repeat = 0; repeat < pixelsPerModule; repeat++) zlib.Write(row);
            }
        }
        return compressed.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        output.Write(number);
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc(Crc(0xFFFFFFFF, typeBytes), data) ^ 0xFFFFFFFF);
        output.Write(number);
    }

    private static uint Crc(uint crc, byte[] bytes)
    {
        foreach (byte b in bytes) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
