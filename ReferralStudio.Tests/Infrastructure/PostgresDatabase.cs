using Microsoft.EntityFrameworkCore;
using Npgsql;
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
            options.UsePostgres(DataSource);
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
