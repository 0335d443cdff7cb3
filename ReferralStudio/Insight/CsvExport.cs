using System.Globalization;
using System.Text;

namespace ReferralStudio.Insight;

/// <summary>
/// The dashboard's CSV downloads (the feed, the audit log): UTF-8 without a byte order mark, CRLF line ends, streamed
/// from the database reader to the response so memory stays flat however many rows match.
/// </summary>
public static class CsvExport
{
    /// <summary>Marks the response as a CSV download named <paramref name="name"/> and the time it was made.</summary>
    public static void Start(HttpResponse response, string name, TimeProvider time)
    {
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{name}-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv\"";
    }

    /// <summary>
    /// Writes <paramref name="header"/> and one line per row (<paramref name="writeRow"/> appends its cells, without the
    /// line end) to <paramref name="output"/>; returns the number of rows written. Rows are written in ~32 KB slices, not
    /// one await per line.
    /// </summary>
    public static async Task<long> WriteAsync<T>(
        IAsyncEnumerable<T> rows, string header, Action<StringBuilder, T> writeRow, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 64 * 1024, leaveOpen: true);
        var slice = new StringBuilder(40 * 1024);
        slice.Append(header).Append("\r\n");
        long count = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            writeRow(slice, row);
            slice.Append("\r\n");
            count++;
            if (slice.Length >= 32 * 1024)
            {
                await writer.WriteAsync(slice, cancellationToken);
                slice.Clear();
            }
        }

        await writer.WriteAsync(slice, cancellationToken);
        await writer.FlushAsync(cancellationToken);
        return count;
    }

    /// <summary>A moment as the exports write it: UTC, to the millisecond.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>RFC 4180 quoting, and a leading ' on text a spreadsheet would run as a formula.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
