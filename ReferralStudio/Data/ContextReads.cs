using Microsoft.EntityFrameworkCore;

namespace ReferralStudio.Data;

/// <summary>Reads that run beside others and beside the caller.</summary>
public static class ContextReads
{
    /// <summary>
    /// Runs <paramref name="read"/> on a context (and connection) of its own on the thread pool. Microsoft.Data.Sqlite's
    /// async calls complete synchronously: awaited one after another, a page's independent reads cost their sum, and on
    /// a circuit they hold its thread (clicks wait). Started together through this, they cost the slowest.
    /// </summary>
    public static Task<T> ReadAloneAsync<T>(this IDbContextFactory<AppDbContext> contexts, Func<AppDbContext, Task<T>> read) => Task.Run(async () =>
    {
        await using var db = await contexts.CreateDbContextAsync();
        return await read(db);
    });
}
