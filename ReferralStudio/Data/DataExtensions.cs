using Microsoft.EntityFrameworkCore;

namespace ReferralStudio.Data;

public static class DataExtensions
{
    public const string ConnectionStringName = "ReferralStudio";

    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString(ConnectionStringName)
            ?? "Data Source=data/referralstudio.db";
        var database = new Database(configured, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton<SqliteWriteGate>();
        builder.Services.AddDbContextFactory<AppDbContext>(o => o.UseSqlite(database.ConnectionString));
        builder.Services.AddDbContext<AppDbContext>(o => o.UseSqlite(database.ConnectionString), optionsLifetime: ServiceLifetime.Singleton);
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>Creates or upgrades the schema through the checked-in migrations.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.MigrateAsync();
        // WAL is a property of the file: set once, every later connection uses it.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;");
        app.Logger.LogInformation("Database ready at {Path}", app.Services.GetRequiredService<Database>().FilePath);
    }
}
