using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;

namespace ReferralStudio.Insight;

/// <summary>
/// The currencies of the conversion values in a range. Campaign analytics sums values as recorded; with one currency the
/// sums are money in it, with several the page says they are mixed. Each currency ever recorded (a handful, read off the
/// (Currency, OccurredAt) index) is looked up in the range on the same index, instead of reading every conversion in it.
/// </summary>
public static class ConversionCurrencies
{
    // Written out: from LINQ, EF put the lookup inside the DISTINCT, a correlated search per conversion, which ran for
    // minutes on the benchmark's 20,000 conversions. PostgreSQL has no index hint; ordered by bytes as SQLite's BINARY does.
    public static Task<List<string>> InRangeAsync(AppDbContext db, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
        db.Database.SqlQueryRaw<string>(db.IsPostgres()
            ? """
                SELECT c.currency AS "Value" FROM (SELECT DISTINCT currency FROM conversions WHERE currency IS NOT NULL) c
                WHERE EXISTS (SELECT 1 FROM conversions v
                              WHERE v.currency = c.currency AND v.occurredat >= @since AND v.occurredat < @until AND v.value IS NOT NULL)
                ORDER BY c.currency COLLATE "C"
                """
            : """
                SELECT c.Currency AS Value FROM (SELECT DISTINCT Currency FROM Conversions WHERE Currency IS NOT NULL) c
                WHERE EXISTS (SELECT 1 FROM Conversions v INDEXED BY IX_Conversions_Currency_OccurredAt
                              WHERE v.Currency = c.Currency AND v.OccurredAt >= $since AND v.OccurredAt < $until AND v.Value IS NOT NULL)
                ORDER BY c.Currency
                """, db.Parameter("$since", UnixMs.From(since)), db.Parameter("$until", UnixMs.From(until))).ToListAsync(cancellationToken);
}
