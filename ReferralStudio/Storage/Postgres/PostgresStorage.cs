using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using ReferralStudio.Attribution;
using ReferralStudio.Data;
using ReferralStudio.Hosting;
using ReferralStudio.Inbox;
using ReferralStudio.Live;
using ReferralStudio.Security;

namespace ReferralStudio.Storage.Postgres;

/// <summary>
/// The PostgreSQL engine (<c>Database:Provider</c> = <c>postgres</c>): one database holds the inbox and everything else,
/// reached through one <see cref="NpgsqlDataSource"/> (one pool) from <c>ConnectionStrings:ReferralStudio</c>.
/// </summary>
public static class PostgresStorage
{
    /// <summary>Where the data-protection keys are kept unless <c>DataProtection:KeysPath</c> says otherwise.</summary>
    public const string DefaultKeysPath = "data/keys";

    public static WebApplicationBuilder AddPostgresStorage(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(DataExtensions.ConnectionStringName);
        builder.Services.AddOptions<DatabaseOptions>().ValidateRules(_ => [ConnectionStringRule(connectionString)]);
        // Created on first use (a missing or malformed string is refused at start, before anything asks for it); the
        // container disposes it with the app.
        builder.Services.AddSingleton(_ => DataSource(connectionString!));
        builder.Services.AddSingleton<IInbox, PostgresInbox>();
        builder.Services.AddSingleton<IAttributionStorage, PostgresAttributionStorage>();
        builder.Services.AddSingleton<IStorageProbe, PostgresStorageProbe>();
        builder.Services.AddSingleton<ILeadership, PostgresLeadership>();
        builder.Services.AddSingleton<ISharedChanges, PostgresChanges>();
        builder.Services.AddHostedService<PostgresNotifications>();
        builder.Services.AddSingleton<LiveTakeover>();
        builder.Services.AddLeaderService<LiveTakeover>();
        builder.Services.AddSingleton<PostgresInboxRetention>();
        builder.Services.AddLeaderService<PostgresInboxRetention>();
        builder.Services.AddDbContextFactory<PostgresAppDbContext>(
            (sp, o) => o.UsePostgres(sp.GetRequiredService<NpgsqlDataSource>()).StrictQueries(builder.Environment));
        builder.Services.AddDbContext<AppDbContext, PostgresAppDbContext>(
            (sp, o) => o.UsePostgres(sp.GetRequiredService<NpgsqlDataSource>()).StrictQueries(builder.Environment), optionsLifetime: ServiceLifetime.Singleton);
        builder.Services.AddSingleton<IDbContextFactory<AppDbContext>, AppContextFactory>();
        // No data folder of the engine's own: the keys go under the content root (shared by every instance of one database).
        builder.AddStoredSecrets(Path.GetFullPath(DefaultKeysPath, builder.Environment.ContentRootPath));
        return builder;
    }

    public static DbContextOptionsBuilder UsePostgres(this DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource).ReplaceService<IMigrationsSqlGenerator, DeferrableForeignKeys>();

    /// <summary>
    /// One pool for EF, the inbox and the writer. Statements run again and again (the writer's, the inbox's) are prepared
    /// on the server after their second run unless the connection string says otherwise.
    /// </summary>
    public static NpgsqlDataSource DataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        return builder.Build();
    }

    /// <summary>Creates or upgrades the schema through its checked-in migrations (EF Core holds a lock while it migrates).</summary>
    public static async Task MigratePostgresAsync(this WebApplication app)
    {
        var contexts = app.Services.GetRequiredService<IDbContextFactory<PostgresAppDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        await CreateHistoryTableAsync(db, app.Services.GetRequiredService<NpgsqlDataSource>());
        await db.Database.MigrateAsync();
        var connection = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        app.Logger.LogInformation("Database ready: PostgreSQL database {Database} on {Host}:{Port}", connection.Database, connection.Host, connection.Port);
    }

    /// <summary>
    /// EF's PostgreSQL provider learns that its history table is missing by reading it, which logs a failed command
    /// (<c>fail:</c>) on every fresh install although the migration goes on. Created first with EF's own script, the table
    /// is there to be read. Run outside EF so that a second instance starting at the same moment, whose create loses the
    /// race, logs nothing either.
    /// </summary>
    private static async Task CreateHistoryTableAsync(PostgresAppDbContext db, NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript());
        try
        {
            await command.ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
        {
            // IF NOT EXISTS does not cover a concurrent create: another instance made the table, which is all this wanted.
        }
    }

    private static string? ConnectionStringRule(string? connectionString)
    {
        const string Key = $"ConnectionStrings:{DataExtensions.ConnectionStringName}";
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return $"{Key} must be set to an Npgsql connection string when {DatabaseOptions.Section}:Provider is '{DatabaseOptions.Postgres}'.";
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (ArgumentException e)
        {
            // The message names the keyword, never the string itself (it holds a password).
            return $"{Key} is not an Npgsql connection string ({e.Message}), as {DatabaseOptions.Section}:Provider '{DatabaseOptions.Postgres}' needs.";
        }
    }

    /// <summary>Consumers ask for contexts of the base type; on this engine they are the derived one.</summary>
    private sealed class AppContextFactory(IDbContextFactory<PostgresAppDbContext> contexts) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => contexts.CreateDbContext();

        public async Task<AppDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await contexts.CreateDbContextAsync(cancellationToken);
    }
}
