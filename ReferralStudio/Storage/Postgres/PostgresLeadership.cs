using Microsoft.Extensions.Options;
using Npgsql;
using ReferralStudio.Hosting;

namespace ReferralStudio.Storage.Postgres;

/// <summary>
/// Leadership among instances on one database: a session-level advisory lock, held by one connection for as long as
/// its process leads. When that process dies its session ends and PostgreSQL frees the lock, so another instance's next
/// attempt (<see cref="LeadershipOptions.RetryEvery"/>) wins it. The holder checks its session every
/// <see cref="LeadershipOptions.CheckEvery"/>; a session that stops answering ends the term, so the old leader stops its work by about the
/// time another may start.
/// </summary>
internal sealed partial class PostgresLeadership(
    NpgsqlDataSource database, IOptions<LeadershipOptions> options, ILogger<PostgresLeadership> logger) : ILeadership
{
    /// <summary>"RSld" as a number: below 2^31, so <c>pg_locks</c> shows it as objid with classid 0.</summary>
    internal const long LockKey = 0x52536C64;

    // While this process holds a term, the lock in pg_locks is its own.
    private volatile bool _holding;

    public async Task<ILeaderTerm?> TryAcquireAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockKey})", connection);
            if (await take.ExecuteScalarAsync(cancellationToken) is true)
            {
                _holding = true;
                return new Term(connection, options.Value.CheckEvery, logger, () => _holding = false);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        // Back to the pool, which resets the session (DISCARD ALL): it held no lock anyway.
        await connection.DisposeAsync();
        return null;
    }

    public async Task<bool> IsHeldElsewhereAsync(CancellationToken cancellationToken)
    {
        if (_holding)
        {
            return false;
        }

        await using var command = database.CreateCommand($"""
            SELECT EXISTS (SELECT 1 FROM pg_locks
                           WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = {LockKey} AND objsubid = 1
                             AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
            """);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private sealed partial class Term : ILeaderTerm
    {
        private readonly NpgsqlConnection _connection;
        private readonly TimeSpan _checkEvery;
        private readonly ILogger _logger;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _ending = new();
        private readonly Task _watch;
        private readonly Action _ended;

        public Term(NpgsqlConnection connection, TimeSpan checkEvery, ILogger logger, Action ended)
        {
            _connection = connection;
            _checkEvery = checkEvery;
            _logger = logger;
            _ended = ended;
            _watch = WatchAsync();
        }

        public CancellationToken Lost => _lost.Token;

        private async Task WatchAsync()
        {
            try
            {
                while (!_ending.IsCancellationRequested)
                {
                    await Task.Delay(_checkEvery, TimeProvider.System, _ending.Token);
                    // Whole seconds, and never 0 (which would mean no timeout at all).
                    await using var ping = new NpgsqlCommand("SELECT 1", _connection) { CommandTimeout = (int)Math.Ceiling((_checkEvery * 2).TotalSeconds) };
                    await ping.ExecuteScalarAsync(_ending.Token);
                }
            }
            catch (OperationCanceledException) when (_ending.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                LogSessionLost(_logger, ex);
                await _lost.CancelAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _ending.CancelAsync();
            await _watch;
            if (!_lost.IsCancellationRequested)
            {
                try
                {
                    await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", _connection);
                    await release.ExecuteScalarAsync();
                }
                catch (NpgsqlException)
                {
                    // The session is going anyway, and the lock with it.
                }
            }

            await _connection.DisposeAsync();
            _ended();
            _lost.Dispose();
            _ending.Dispose();
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "The session holding leadership stopped answering; another instance may lead now")]
        private static partial void LogSessionLost(ILogger logger, Exception exception);
    }
}
