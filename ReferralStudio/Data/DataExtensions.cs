using ReferralStudio.Hosting;
using ReferralStudio.Storage.Postgres;
using ReferralStudio.Storage.Sqlite;

namespace ReferralStudio.Data;

public static class DataExtensions
{
    public const string ConnectionStringName = "ReferralStudio";
    public const string InboxConnectionStringName = "ReferralStudioInbox";

    /// <summary>
    /// The storage engine's services, chosen by <c>Database:Provider</c>: SQLite (the embedded default) or PostgreSQL.
    /// Any other value is refused at start (<see cref="SettingsRefusal"/>); until then the default's services stand in,
    /// so the app builds far enough to say so.
    /// </summary>
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateRules(o => o.Rules());
        if (DatabaseOptions.From(builder.Configuration).IsPostgres)
        {
            builder.AddPostgresStorage();
        }
        else
        {
            builder.AddSqliteStorage();
        }

        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// Creates or upgrades the schema through the engine's checked-in migrations. On SQLite it also holds the files for
    /// this process and refuses (throws before anything serves) files that do not belong together.
    /// </summary>
    public static Task MigrateDatabaseAsync(this WebApplication app) =>
        DatabaseOptions.From(app.Configuration).IsPostgres ? app.MigratePostgresAsync() : app.MigrateSqliteAsync();
}
