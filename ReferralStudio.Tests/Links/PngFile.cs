using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ReferralStudio.Tests.Links;

/// <summary>Reads back the PNGs the app writes (1-bit grayscale, filter 0), checking every chunk's CRC.</summary>
internal sealed class PngFile
{
    private PngFile(int width, int height, int bitDepth, int colorType, int? pixelsPerMetre, bool[,] dark)
    {
        Width = width;
        Height = height;
        BitDepth = bitDepth;
        ColorType = colorType;
        PixelsPerMetre = pixelsPerMetre;
        Dark = dark;
    }

    public int Width { get; }

    public int Height { get; }

    public int BitDepth { get; }

    public int ColorType { get; }

    /// <summary>From pHYs, when present with the metre unit.</summary>
    public int? PixelsPerMetre { get; }

    public double? Dpi => PixelsPerMetre * 0.0254;

    /// <summary>[y, x], true for black.</summary>
    public bool[,] Dark { get; }

    public static PngFile Read(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int width = 0, height = 0, bitDepth = 0, colorType = 0;
        int? ppm = null;
        var idat = new MemoryStream();
        var types = new List<string>();
        var offset = 8;
        while (offset < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.True(crc == Crc32(png.AsSpan(offset + 4, 4 + length)), $"bad CRC on {type}");
            types.Add(type);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    bitDepth = data[8];
                    colorType = data[9];
                    break;
                case "pHYs":
                    var x = BinaryPrimitives.ReadInt32BigEndian(data);
                    var y = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    Assert.Equal(x, y);
                    ppm = data[8] == 1 ? x : null;
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }

            offset += 12 + length;
        }

        Assert.Equal("IHDR", types[0]);
        Assert.Equal("IEND", types[^1]);
        Assert.True(types.IndexOf("pHYs") < types.IndexOf("IDAT"), "pHYs must come before the image data");
        Assert.Equal(1, bitDepth);
        Assert.Equal(0, colorType);

        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var bytes = raw.ToArray();
        var stride = (width + 7) / 8;
        Assert.Equal(height * (stride + 1), bytes.Length);

        var dark = new bool[height, width];
        for (var row = 0; row < height; row++)
        {
            var start = row * (stride + 1);
            Assert.Equal(0, bytes[start]);
            for (var col = 0; col < width; col++)
            {
                dark[row, col] = (bytes[start + 1 + (col / 8)] & (0x80 >> (col % 8))) == 0;
            }
        }

        return new PngFile(width, height, bitDepth, colorType, ppm, dark);
    }

    /// <summary>
    /// The module grid of a code of <paramref name="size"/> modules, found from its top-left finder pattern,
    /// sampled at module centres.
    /// </summary>
    public bool[][] Modules(int size, out int pixelsPerModule)
    {
        var (top, left) = FirstDark();
        var run = 0;
        while (Dark[top, left + run])
        {
            run++;
        }

        Assert.Equal(0, run % 7); // the finder pattern's top edge is 7 modules of black
        pixelsPerModule = run / 7;
        var modules = new bool[size][];
        for (var r = 0; r < size; r++)
        {
            modules[r] = new bool[size];
            for (var c = 0; c < size; c++)
            {
                modules[r][c] = Dark[top + (r * pixelsPerModule) + (pixelsPerModule / 2), left + (c * pixelsPerModule) + (pixelsPerModule / 2)];
            }
        }

        return modules;
    }

    public (int Top, int Left) FirstDark()
    {
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                if (Dark[y, x])
                {
                    return (y, x);
                }
            }
        }

        throw new InvalidOperationException("The image is blank.");
    }

    public int DarkPixels(int fromRow, int toRow)
    {
        var count = 0;
        for (var y = fromRow; y < toRow; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                count += Dark[y, x] ? 1 : 0;
            }
        }

        return count;
    }

    /// <summary>Runs of rows with ink from <paramref name="fromRow"/> down, separated by blank rows: lines of text in a caption band.</summary>
    public int InkRuns(int fromRow)
    {
        var runs = 0;
        var inRun = false;
        for (var y = fromRow; y < Height; y++)
        {
            var ink = DarkPixels(y, y + 1) > 0;
            runs += ink && !inRun ? 1 : 0;
            inRun = ink;
        }

        return runs;
    }

    // Bit by bit, independent of the table-driven CRC under test.
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
