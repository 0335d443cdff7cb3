using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
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
    /// Outside production, EF's warning for a row limit without an order (Take, First or Skip with no OrderBy, so the rows
    /// are whichever the engine meets first) throws: a test reaching such a query fails instead of logging it.
    /// </summary>
    internal static TBuilder StrictQueries<TBuilder>(this TBuilder options, IHostEnvironment environment)
        where TBuilder : DbContextOptionsBuilder =>
        environment.IsProduction() ? options : options.StrictQueries();

    internal static TBuilder StrictQueries<TBuilder>(this TBuilder options)
        where TBuilder : DbContextOptionsBuilder
    {
        options.ConfigureWarnings(w => w.Throw(CoreEventId.RowLimitingOperationWithoutOrderByWarning));
        return options;
    }

    /// <summary>
    /// Creates or upgrades the schema through the engine's checked-in migrations. On SQLite it also holds the files for
    /// this process and refuses (throws before anything serves) files that do not belong together.
    /// </summary>
    public static Task MigrateDatabaseAsync(this WebApplication app) =>
        DatabaseOptions.From(app.Configuration).IsPostgres ? app.MigratePostgresAsync() : app.MigrateSqliteAsync();
}
