using Microsoft.Data.Sqlite;
using ReferralStudio.Hosting;

namespace ReferralStudio.Data;

/// <summary>
/// Runs SQLite's WAL checkpoints for one file on a thread and connection of its own, when asked. A
/// writer that turns off its automatic checkpoints (<c>PRAGMA wal_autocheckpoint = 0</c>) no longer copies
/// the WAL into the file and fsyncs it inside its own commits; a passive checkpoint runs beside the
/// next transaction and never waits for readers (it copies what no reader still needs).
/// </summary>
public sealed partial class WalCheckpointer : IDisposable
{
    private readonly Func<SqliteConnection> _open;
    private readonly ILogger _logger;
    private readonly WakeSignal _due = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="name">The thread's name.</param>
    /// <param name="open">Opens the connection the checkpoints run on.</param>
    /// <param name="logger">Where failed checkpoints are reported.</param>
    /// <param name="nice">The thread's nice value when its work may wait (the processor's file).</param>
    public WalCheckpointer(string name, Func<SqliteConnection> open, ILogger logger, int? nice = null)
    {
        _open = open;
        _logger = logger;
        _loop = DedicatedThread.Run(name, Run, nice);
    }

    /// <summary>Asks for a checkpoint soon; requests made while one runs are coalesced into the next.</summary>
    public void Request() => _due.Set();

    private void Run()
    {
        using var connection = _open();
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA main.wal_checkpoint(PASSIVE);";
        while (true)
        {
            try
            {
                _due.WaitAsync(null, TimeProvider.System, _stop.Token).GetAwaiter().GetResult();
                checkpoint.ExecuteNonQuery();
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

    public void Dispose()
    {
        _stop.Cancel();
        _loop.GetAwaiter().GetResult();
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WAL checkpoint failed; the next one retries")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
