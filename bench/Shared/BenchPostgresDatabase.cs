using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReferralStudio.Storage.Postgres;

/// <summary>
/// A database of a benchmark's own on a PostgreSQL server: created (unless reused), migrated by the app's own
/// migrations, reached through the app's data source and context options, dropped afterwards unless kept. Shared by the
/// benchmarks (linked into each project).
/// </summary>
internal sealed class BenchPostgresDatabase : IAsyncDisposable
{
    /// <summary>The server and role scripts/services.sh sets up, unless <c>REFERRALSTUDIO_BENCH_POSTGRES</c> names another.</summary>
    public static string DefaultServer { get; } = Environment.GetEnvironmentVariable("REFERRALSTUDIO_BENCH_POSTGRES") is { Length: > 0 } configured
        ? configured
        : "Host=127.0.0.1;Port=5432;Username=referralstudio;Password=referralstudio;Database=referralstudio_test";

    private readonly string _server;
    private readonly bool _keep;

    private BenchPostgresDatabase(string server, string name, bool keep)
    {
        (_server, Name, _keep) = (server, name, keep);
        DataSource = PostgresStorage.DataSource(new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString());
        var options = new DbContextOptionsBuilder<PostgresAppDbContext>();
        options.UsePostgres(DataSource);
        Options = options.Options;
    }

    public string Name { get; }

    /// <summary>As the app builds it (auto-prepare on).</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>As the app configures its contexts.</summary>
    public DbContextOptions<PostgresAppDbContext> Options { get; }

    /// <summary>Creates <paramref name="name"/> on <paramref name="server"/> unless <paramref name="reuse"/>, then migrates it.</summary>
    public static async Task<BenchPostgresDatabase> StartAsync(string server, string name, bool reuse = false, bool keep = false)
    {
        if (!reuse)
        {
            await OnServerAsync(server, $"CREATE DATABASE \"{name}\"");
        }

        var database = new BenchPostgresDatabase(server, name, keep);
        await using var db = new PostgresAppDbContext(database.Options);
        await db.Database.MigrateAsync();
        return database;
    }

    public string Size()
    {
        using var command = DataSource.CreateCommand("SELECT pg_database_size(current_database())");
        return $"database {(long)command.ExecuteScalar()! / 1048576.0:N0} MiB";
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (!_keep)
        {
            await OnServerAsync(_server, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        }
        else
        {
            Console.WriteLine($"kept PostgreSQL database {Name}");
        }
    }

    private static async Task OnServerAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }
}
