using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReferralStudio.Data;
using ReferralStudio.Storage.Postgres;

namespace ReferralStudio.Tests.Infrastructure;

/// <summary>
/// A fresh PostgreSQL database for one test class, created on the server <c>REFERRALSTUDIO_TEST_POSTGRES</c> names
/// (scripts/test.sh starts it; the default is the loopback server with the names it creates) and dropped afterwards.
/// Created empty: a test migrates it (<see cref="MigrateAsync"/>) or lets the app do so.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public const string Variable = "REFERRALSTUDIO_TEST_POSTGRES";
    public const string DefaultServer = "Host=127.0.0.1;Port=5432;Username=referralstudio;Password=referralstudio;Database=referralstudio_test";

    private readonly string _server = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured ? configured : DefaultServer;
    private NpgsqlDataSource? _dataSource;

    public string Name { get; } = $"referralstudio_{Guid.NewGuid():N}";

    /// <summary>
    /// This class's database, on the same server and account. Each app's pool is kept small: tests run side by side and
    /// the server's default allows 100 connections in all.
    /// </summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = Name, MaxPoolSize = 12 }.ToString();

    /// <summary>The settings that start the app on this database (<see cref="TestApp.StartAsync"/>'s <c>settings</c>).</summary>
    public Dictionary<string, string?> AppSettings => new()
    {
        ["Database:Provider"] = "postgres",
        ["ConnectionStrings:ReferralStudio"] = ConnectionString,
    };

    public NpgsqlDataSource DataSource => _dataSource ??= NpgsqlDataSource.Create(ConnectionString);

    /// <summary>As the app configures its contexts (its migrations make the foreign keys deferrable).</summary>
    public DbContextOptions<PostgresAppDbContext> Options
    {
        get
        {
            var options = new DbContextOptionsBuilder<PostgresAppDbContext>();
            options.UsePostgres(DataSource).StrictQueries();
            return options.Options;
        }
    }

    public async Task MigrateAsync()
    {
        await using var db = new PostgresAppDbContext(Options);
        await db.Database.MigrateAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Every row whose foreign key points nowhere, as "table.column id -> parent" (PostgreSQL's <c>PRAGMA foreign_key_check</c>).
    /// The attribution writer skips the checks on its own rows, so this is what shows it wrote whole rows only.
    /// </summary>
    public List<string> ForeignKeyViolations()
    {
        using var connection = DataSource.OpenConnection();
        var checks = new List<string>();
        using (var keys = new NpgsqlCommand("""
            SELECT format('SELECT %L || '' '' || c.%I || '' -> '' || %L FROM %I c WHERE c.%I IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %I p WHERE p.%I = c.%I)',
                          child.relname || '.' || fk.attname, fk.attname, parent.relname, child.relname, fk.attname, parent.relname, pk.attname, fk.attname)
            FROM pg_constraint k
            JOIN pg_class child ON child.oid = k.conrelid
            JOIN pg_class parent ON parent.oid = k.confrelid
            JOIN pg_attribute fk ON fk.attrelid = k.conrelid AND fk.attnum = k.conkey[1]
            JOIN pg_attribute pk ON pk.attrelid = k.confrelid AND pk.attnum = k.confkey[1]
            WHERE k.contype = 'f' AND cardinality(k.conkey) = 1
            """, connection))
        using (var reader = keys.ExecuteReader())
        {
            while (reader.Read())
            {
                checks.Add(reader.GetString(0));
            }
        }

        Assert.NotEmpty(checks);
        var violations = new List<string>();
        foreach (var check in checks)
        {
            using var command = new NpgsqlCommand(check, connection);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                violations.Add(reader.GetString(0));
            }
        }

        return violations;
    }

    public Task InitializeAsync() => OnServerAsync($"CREATE DATABASE \"{Name}\"");

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        // FORCE: an app or appender a failed test left behind still holds connections (and autovacuum may be at work
        // on it: scripts/services.sh lets the role end those sessions too).
        await OnServerAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }

    private async Task OnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
