using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReferralStudio.Auth;
using ReferralStudio.Data;
using ReferralStudio.Hosting;
using ReferralStudio.Inbox;
using ReferralStudio.Storage.Postgres;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Storage.Postgres;

/// <summary>
/// The app built with <c>Database:Provider</c> = <c>postgres</c>. It is built and prepared (migrated, secrets, triggers,
/// the admin) but not started: the attribution processor's storage on PostgreSQL is the next part of issue 16.
/// </summary>
public sealed class PostgresStartTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task The_App_Migrates_An_Empty_Database_And_Serves_Its_Contexts_From_It()
    {
        await using var app = await Program.CreateAppAsync(Args(new()
        {
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:ReferralStudio"] = database.ConnectionString,
        }));

        await using (var db = new PostgresAppDbContext(database.Options))
        {
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }

        using var scope = app.Services.CreateScope();
        var scoped = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.IsType<PostgresAppDbContext>(scoped);
        // The admin the start created is in this database, read through the context every consumer injects.
        Assert.True(await scoped.Users.AnyAsync(u => u.Email == TestApp.AdminEmail));
        await using var created = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.IsType<PostgresAppDbContext>(created);
        Assert.True(await created.Roles.AnyAsync(r => r.Name == StudioRoles.Owner));
        Assert.IsType<PostgresInbox>(app.Services.GetRequiredService<IInbox>());
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>());
    }

    [Fact]
    public async Task A_Fresh_Install_Logs_No_Error_While_Creating_The_Schema()
    {
        // A database of its own: the fixture's may already have been migrated by the test above.
        var fresh = new PostgresDatabase();
        await fresh.InitializeAsync();
        try
        {
            var logs = new CapturingLoggerProvider();
            await using (await Program.CreateAppAsync(
                Args(new() { ["Database:Provider"] = "postgres", ["ConnectionStrings:ReferralStudio"] = fresh.ConnectionString }),
                builder => builder.Logging.AddProvider(logs)))
            {
            }

            // What an operator reads on a first start: EF's read of its not-yet-created history table used to log "fail:".
            Assert.Empty(logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message}"));
            await using var db = new PostgresAppDbContext(fresh.Options);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_Unknown_Provider_Is_Refused_At_Start_Naming_The_Setting()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Program.CreateAppAsync(Args(new()
        {
            ["Database:Provider"] = "mysql",
            ["ConnectionStrings:ReferralStudio"] = $"Data Source={TestApp.NewDatabasePath()}",
        })));

        Assert.Contains("Database:Provider must be 'sqlite' or 'postgres' (it is 'mysql').", SettingsRefusal.Describe(refused));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Data Source=data/referralstudio.db")]
    public async Task Postgres_Without_An_Npgsql_Connection_String_Is_Refused_At_Start(string? connectionString)
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Program.CreateAppAsync(Args(new()
        {
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:ReferralStudio"] = connectionString,
        })));

        Assert.Contains("ConnectionStrings:ReferralStudio", SettingsRefusal.Describe(refused));
    }

    private static string[] Args(Dictionary<string, string?> settings)
    {
        var args = new Dictionary<string, string?>
        {
            ["contentRoot"] = TestApp.RepoRoot,
            ["applicationName"] = "ReferralStudio",
            ["environment"] = "Testing",
            ["urls"] = "http://127.0.0.1:0",
            ["Meta:AppSecret"] = TestApp.AppSecret,
            ["Meta:VerifyToken"] = TestApp.VerifyToken,
            ["Api:Key"] = TestApp.ApiKey,
            ["Admin:Email"] = TestApp.AdminEmail,
            ["Admin:Password"] = TestApp.AdminPassword,
            ["Logging:LogLevel:Default"] = "Warning",
            // Not the default (data/keys under the content root, here the repository).
            ["DataProtection:KeysPath"] = Path.Combine(Path.GetTempPath(), "referralstudio-tests", $"keys-{Guid.NewGuid():N}"),
        };
        foreach (var (key, value) in settings)
        {
            args[key] = value;
        }

        return [.. args.Where(a => a.Value is not null).Select(a => $"--{a.Key}={a.Value}")];
    }
}
