using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;

namespace ReferralStudio.Insight;

/// <summary>
/// The currencies of the conversion values in a range (on the OccurredAt index). Campaign analytics sums values
/// as recorded; with one currency the sums are money in it, with several the page says they are mixed.
/// </summary>
public static class ConversionCurrencies
{
    public static Task<List<string>> InRangeAsync(AppDbContext db, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
        db.Conversions.AsNoTracking()
            .Where(c => c.OccurredAt >= since && c.OccurredAt < until && c.Value != null && c.Currency != null)
            .Select(c => c.Currency!).Distinct().OrderBy(c => c)
            .ToListAsync(cancellationToken);
}
