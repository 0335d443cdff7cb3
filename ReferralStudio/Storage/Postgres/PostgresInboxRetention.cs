using Microsoft.Extensions.Options;
using Npgsql;
using ReferralStudio.Data;
using ReferralStudio.Inbox;

namespace ReferralStudio.Storage.Postgres;

/// <summary>
/// <see cref="Sqlite.InboxRetention"/> on PostgreSQL: empties the bodies of processed deliveries older than
/// <see cref="InboxOptions.RetainProcessedBodiesFor"/>, only at or below the processor's cursor and only for deliveries
/// stored as pending (rejected bodies stay for inspection), in id order from where the last pass stopped, each batch
/// its own short transaction. Rows are never deleted. An emptied body is gone from queries at commit; its old version
/// (in the table's TOAST) is freed by autovacuum.
/// </summary>
public sealed partial class PostgresInboxRetention(
    NpgsqlDataSource dataSource,
    IOptions<InboxOptions> options,
    TimeProvider time,
    ILogger<PostgresInboxRetention> logger) : InboxBodyRetention(options, time, logger)
{
    private const int RowsPerTransaction = 256;

    private long _clearedThrough;

    public override async Task<int> DropDueBodiesAsync(CancellationToken cancellationToken)
    {
        if (Options.Value.RetainProcessedBodiesFor is not { } retain)
        {
            return 0;
        }

        var cutoff = UnixMs.From(Time.GetUtcNow() - retain);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long cursor;
        await using (var read = new NpgsqlCommand("SELECT lastdeliveryid FROM inboxcursors WHERE id = 1", connection))
        {
            // The cursor only moves forward: whatever is at or below it now stays processed.
            cursor = await read.ExecuteScalarAsync(cancellationToken) is long id ? id : 0;
        }

        long through;
        await using (var first = new NpgsqlCommand(
            $"SELECT id FROM {InboxDbContext.DeliveriesTable} WHERE id > @from AND id <= @cursor AND receivedat >= @cutoff ORDER BY id LIMIT 1", connection))
        {
            first.Parameters.AddWithValue("from", _clearedThrough);
            first.Parameters.AddWithValue("cursor", cursor);
            first.Parameters.AddWithValue("cutoff", cutoff);
            through = await first.ExecuteScalarAsync(cancellationToken) is long notDue ? notDue - 1 : cursor;
        }

        await using var drop = new NpgsqlCommand(
            $"UPDATE {InboxDbContext.DeliveriesTable} SET body = ''::bytea WHERE id BETWEEN @low AND @high AND status = 0 AND length(body) > 0", connection);
        var low = new NpgsqlParameter<long> { ParameterName = "low" };
        var high = new NpgsqlParameter<long> { ParameterName = "high" };
        drop.Parameters.Add(low);
        drop.Parameters.Add(high);
        var dropped = 0;
        for (var from = _clearedThrough + 1; from <= through && !cancellationToken.IsCancellationRequested; from += RowsPerTransaction)
        {
            low.TypedValue = from;
            high.TypedValue = Math.Min(from + RowsPerTransaction - 1, through);
            dropped += await drop.ExecuteNonQueryAsync(cancellationToken);
            _clearedThrough = high.TypedValue;
        }

        if (dropped > 0)
        {
            LogDropped(logger, dropped, UnixMs.To(cutoff));
        }

        return dropped;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped the bodies of {Count} processed deliveries received before {Cutoff} (Inbox:RetainProcessedBodiesFor)")]
    private static partial void LogDropped(ILogger logger, int count, DateTimeOffset cutoff);
}
