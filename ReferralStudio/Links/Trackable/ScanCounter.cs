using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;

namespace ReferralStudio.Links.Trackable;

/// <summary>What one counted scan adds to: a link's business day, the platform and code it pointed at, the device class.</summary>
public readonly record struct ScanKey(long LinkId, DateOnly Day, string Platform, string Code, string Device);

/// <summary>
/// Scans counted in memory between writes, so a redirect costs a dictionary increment and never a database round trip.
/// <see cref="ScanFlusher"/> takes them in batches; a batch that could not be written is given back, not dropped.
/// </summary>
public sealed class ScanCounter
{
    private readonly Lock _gate = new();
    private Dictionary<ScanKey, long> _pending = [];

    public void Count(ScanKey key)
    {
        lock (_gate)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_pending, key, out _)++;
        }
    }

    /// <summary>Everything counted since the last take, leaving nothing pending.</summary>
    public Dictionary<ScanKey, long> Take()
    {
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return [];
            }

            var taken = _pending;
            _pending = [];
            return taken;
        }
    }

    /// <summary>Puts back counts that were taken but not written, to go with the next batch.</summary>
    public void GiveBack(IReadOnlyDictionary<ScanKey, long> unwritten)
    {
        lock (_gate)
        {
            foreach (var (key, scans) in unwritten)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_pending, key, out _) += scans;
            }
        }
    }
}

/// <summary>
/// Writes the counted scans every <see cref="LinkOptions.ScanFlushInterval"/> as upserts of daily counters, one
/// transaction per batch, and once more when the app stops (after the server has stopped taking requests).
/// </summary>
public sealed partial class ScanFlusher(
    ScanCounter counter,
    IDbContextFactory<AppDbContext> contexts,
    IOptions<LinkOptions> options,
    TimeProvider time,
    ILogger<ScanFlusher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _writing = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ScanFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFlushFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(CancellationToken.None);
    }

    /// <summary>Writes what is pending now; returns how many scans were written.</summary>
    public async Task<long> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var batch = counter.Take();
            if (batch.Count == 0)
            {
                return 0;
            }

            try
            {
                await WriteAsync(batch, cancellationToken);
            }
            catch
            {
                counter.GiveBack(batch);
                throw;
            }

            return batch.Values.Sum();
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task WriteAsync(Dictionary<ScanKey, long> batch, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (key, scans) in batch)
        {
            // One text for both engines: unquoted names fold to PostgreSQL's lower-case ones, and the table name
            // qualifies the stored count (a bare column would be ambiguous with excluded's there).
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO LinkScanDays (LinkId, Day, Platform, Code, Device, Scans) VALUES ({key.LinkId}, {key.Day}, {key.Platform}, {key.Code}, {key.Device}, {scans})
                ON CONFLICT (LinkId, Day, Platform, Code, Device) DO UPDATE SET Scans = LinkScanDays.Scans + excluded.Scans
                """,
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write counted scans; they are kept for the next attempt")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
