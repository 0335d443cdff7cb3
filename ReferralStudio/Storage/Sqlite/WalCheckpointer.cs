using Microsoft.Data.Sqlite;
using ReferralStudio.Hosting;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>
/// Runs SQLite's WAL checkpoints for one file on a thread and connection of its own, when asked. A
/// writer that turns off its automatic checkpoints (<c>PRAGMA wal_autocheckpoint = 0</c>) no longer copies
/// the WAL into the file and fsyncs it inside its own commits; a passive checkpoint runs beside the
/// next transaction and never waits for readers (it copies what no reader still needs).
/// <para>
/// Passive checkpoints alone never let a busy writer's WAL start over: SQLite rewinds the log only when a
/// transaction begins after everything in it has been copied, and a writer that begins its next
/// transaction right after each commit is always ahead of the checkpoint (nor can a RESTART checkpoint
/// slip in between: the writer takes its lock back at once). The WAL then grows without end (10 GB over a
/// 1,000,000-event backlog) and every frame lands in newly allocated file blocks. So the writer calls
/// <see cref="RewindIfLarge"/> between transactions: once the log holds more than
/// <see cref="RestartAfterBytes"/>, it waits while a RESTART checkpoint copies the rest and rewinds it.
/// </para>
/// </summary>
public sealed partial class WalCheckpointer : IDisposable
{
    private readonly Func<SqliteConnection> _open;
    private readonly ILogger _logger;
    private readonly WakeSignal _due = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _logFrames;
    // Where the next rewind is due: pushed on when one could not finish, so a reader that stays does not
    // make the writer wait after every commit.
    // Until the checkpoint thread has read the file's page size (4 KB by default, 8 KB for main files this app creates).
    private long _rewindAt = RestartAfterBytes / DefaultPageSize;
    private readonly int? _rewindWaitMilliseconds;
    private ManualResetEventSlim? _rewind;

    /// <summary>Beyond this the log is rewound.</summary>
    public const long RestartAfterBytes = 64 * 1024 * 1024;

    private const int DefaultPageSize = 4096;

    /// <param name="name">The thread's name.</param>
    /// <param name="open">Opens the connection the checkpoints run on.</param>
    /// <param name="logger">Where failed checkpoints are reported.</param>
    /// <param name="nice">The thread's nice value when its work may wait (the processor's file).</param>
    /// <param name="rewindWait">
    /// How long a rewind may wait for readers to leave the log (the connection's 30 s by default); the
    /// inbox's writer keeps acknowledgements waiting meanwhile, so it passes a short one.
    /// </param>
    public WalCheckpointer(string name, Func<SqliteConnection> open, ILogger logger, int? nice = null, TimeSpan? rewindWait = null)
    {
        _open = open;
        _logger = logger;
        _rewindWaitMilliseconds = rewindWait is { } wait ? (int)wait.TotalMilliseconds : null;
        _loop = DedicatedThread.Run(name, Run, nice);
    }

    /// <summary>Asks for a checkpoint soon; requests made while one runs are coalesced into the next.</summary>
    public void Request() => _due.Set();

    private void Run()
    {
        using var connection = _open();
        if (_rewindWaitMilliseconds is { } wait)
        {
            // Passive checkpoints never wait; this bounds only the rewind's wait for readers.
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {wait};";
            pragma.ExecuteNonQuery();
        }

        long restartAfter;
        using (var pageSize = connection.CreateCommand())
        {
            pageSize.CommandText = "PRAGMA page_size;";
            restartAfter = RestartAfterBytes / (long)pageSize.ExecuteScalar()!;
            Volatile.Write(ref _rewindAt, restartAfter);
        }

        using var passive = connection.CreateCommand();
        passive.CommandText = "PRAGMA main.wal_checkpoint(PASSIVE);";
        using var restart = connection.CreateCommand();
        restart.CommandText = "PRAGMA main.wal_checkpoint(RESTART);";
        while (true)
        {
            try
            {
                _due.WaitAsync(null, TimeProvider.System, _stop.Token).GetAwaiter().GetResult();
                var rewind = Interlocked.Exchange(ref _rewind, null);
                try
                {
                    var (busy, frames) = Run(rewind is null ? passive : restart);
                    if (rewind is not null)
                    {
                        // After a complete RESTART the writer's next transaction starts the log over.
                        Volatile.Write(ref _rewindAt, busy ? frames + restartAfter : restartAfter);
                        frames = busy ? frames : 0;
                    }

                    Volatile.Write(ref _logFrames, frames);
                }
                finally
                {
                    rewind?.Set();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                LogCheckpointFailed(_logger, ex);
            }
        }
    }

    /// <summary>
    /// For the writer, between its transactions (holding no lock): when the log has outgrown
    /// <see cref="RestartAfterBytes"/>, waits until it has been copied and rewound.
    /// </summary>
    public void RewindIfLarge()
    {
        if (Volatile.Read(ref _logFrames) <= Volatile.Read(ref _rewindAt) || _loop.IsCompleted)
        {
            return;
        }

        using var done = new ManualResetEventSlim();
        Volatile.Write(ref _rewind, done);
        _due.Set();
        WaitHandle.WaitAny([done.WaitHandle, _stop.Token.WaitHandle]);
    }

    /// <summary>Runs a checkpoint: whether it was kept from finishing, and the number of pages in the log.</summary>
    private static (bool Busy, long Frames) Run(SqliteCommand checkpoint)
    {
        using var reader = checkpoint.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0) != 0, reader.GetInt64(1)) : (true, -1);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop.GetAwaiter().GetResult();
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WAL checkpoint failed; the next one retries")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
