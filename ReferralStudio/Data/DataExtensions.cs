using ReferralStudio.Storage.Sqlite;

namespace ReferralStudio.Data;

public static class DataExtensions
{
    public const string ConnectionStringName = "ReferralStudio";
    public const string InboxConnectionStringName = "ReferralStudioInbox";

    /// <summary>The storage engine's services: SQLite, the embedded default and today the only one.</summary>
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        builder.AddSqliteStorage();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// Creates or upgrades the schemas through their checked-in migrations, holding the files for this process;
    /// refuses (throws before anything serves) files that do not belong together.
    /// </summary>
    public static Task MigrateDatabaseAsync(this WebApplication app) => app.MigrateSqliteAsync();
}
