using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ReferralStudio.Links;

/// <summary>
/// A minimal PNG encoder for 1-bit grayscale images (0 black, 1 white), which is all a QR code with a black
/// caption needs. It always writes a pHYs chunk: without one, print software guesses 72 or 96 DPI and the
/// code comes out the wrong size.
/// </summary>
internal static class PngWriter
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Bytes per row of a 1-bit image, without the filter byte.</summary>
    public static int Stride(int width) => (width + 7) / 8;

    /// <summary>Encodes a <paramref name="width"/> x <paramref name="height"/> image; <paramref name="fillRow"/> is called once per row, top to bottom, with a white row to draw into.</summary>
    public static byte[] Gray1(int width, int height, int dpi, Action<int, byte[]> fillRow)
    {
        var output = new MemoryStream();
        output.Write(Signature);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 1; // bit depth
        header[9] = 0; // grayscale; compression, filter and interlace stay 0
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "pHYs", Phys(dpi));

        var row = new byte[Stride(width)];
        var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                Array.Fill(row, (byte)0xFF);
                fillRow(y, row);
                zlib.WriteByte(0); // filter type None: QR rows are long runs that compress well without filtering
                zlib.Write(row);
            }
        }

        WriteChunk(output, "IDAT", pixels.ToArray());
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>Sets pixels [<paramref name="from"/>, <paramref name="to"/>) of a 1-bit row to black.</summary>
    public static void Black(byte[] row, int from, int to)
    {
        for (var x = from; x < to; x++)
        {
            row[x >> 3] &= (byte)~(0x80 >> (x & 7));
        }
    }

    /// <summary>The pHYs payload: pixels per metre on both axes, unit = metre.</summary>
    public static byte[] Phys(int dpi)
    {
        var pixelsPerMetre = (int)Math.Round(dpi / 0.0254, MidpointRounding.AwayFromZero);
        var data = new byte[9];
        BinaryPrimitives.WriteInt32BigEndian(data, pixelsPerMetre);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), pixelsPerMetre);
        data[8] = 1;
        return data;
    }

    public static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);

        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);

        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Append(Crc32.Append(Crc32.Start, typeBytes), data) ^ Crc32.Start);
        output.Write(crc);
    }

    /// <summary>CRC-32 as PNG defines it (ISO 3309, reflected, polynomial 0xEDB88320), over the chunk type and data.</summary>
    internal static class Crc32
    {
        public const uint Start = 0xFFFFFFFF;

        private static readonly uint[] Table = BuildTable();

        public static uint Append(uint crc, ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }

            return crc;
        }

        private static uint[] BuildTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                var c = n;
                for (var k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
