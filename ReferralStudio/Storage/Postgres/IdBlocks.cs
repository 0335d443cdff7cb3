using Npgsql;

namespace ReferralStudio.Storage.Postgres;

/// <summary>
/// Ids for the writer's new rows, taken from each table's identity sequence a block at a time: one round trip gives
/// the ids of thousands of rows, which can then be sent in batches without waiting for <c>RETURNING</c>. Ids taken
/// are never handed out again, whoever inserts next; those a rolled-back transaction or a stopped writer did not use
/// are gaps, as with any sequence.
/// </summary>
internal sealed class IdBlocks(NpgsqlConnection connection) : IDisposable
{
    private const int BlockSize = 4096;
    private readonly Dictionary<string, Table> _tables = new(StringComparer.OrdinalIgnoreCase);

    public Table For(string table)
    {
        if (!_tables.TryGetValue(table, out var ids))
        {
            ids = new Table(connection, table.ToLowerInvariant());
            _tables.Add(table, ids);
        }

        return ids;
    }

    public void Dispose()
    {
        foreach (var table in _tables.Values)
        {
            table.Dispose();
        }
    }

    /// <summary>One table's ids taken ahead.</summary>
    public sealed class Table : IDisposable
    {
        private readonly NpgsqlCommand _take;
        private readonly Queue<long> _ahead = new(BlockSize);

        public Table(NpgsqlConnection connection, string table)
        {
            // The sequence looked up once, so the block's statement names it as a constant (looked up inside it, the
            // planner moved the lookup into every id's nextval), and the block sent as one array, not a row per id:
            // both cost the server more than the ids themselves.
            using var lookup = new NpgsqlCommand($"SELECT pg_get_serial_sequence('{table}', 'id')", connection);
            var sequence = ((string)lookup.ExecuteScalar()!).Replace("'", "''", StringComparison.Ordinal);
            _take = new NpgsqlCommand($"SELECT array_agg(nextval('{sequence}'::regclass)) FROM generate_series(1, {BlockSize})", connection);
        }

        public long Next()
        {
            if (_ahead.Count == 0)
            {
                foreach (var id in (long[])_take.ExecuteScalar()!)
                {
                    _ahead.Enqueue(id);
                }
            }

            return _ahead.Dequeue();
        }

        public void Dispose() => _take.Dispose();
    }
}
