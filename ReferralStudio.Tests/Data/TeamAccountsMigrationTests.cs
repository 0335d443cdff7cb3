using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Auth;
using ReferralStudio.Inbox;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Data;

/// <summary>The single-administrator version's users become Owners on upgrade, and keep signing in with their passwords.</summary>
public sealed class TeamAccountsMigrationTests : IDisposable
{
    private const string BeforeTeamAccounts = "20261207062205_ConversionsByCurrency";
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Earlier_Users_Become_Owners_With_Their_Passwords_And_The_Configured_Admin_Is_Not_Added()
    {
        await using (var inbox = new InboxDbContext(new DbContextOptionsBuilder<InboxDbContext>().UseSqlite(_database.InboxConnectionString).Options))
        {
            await inbox.GetService<IMigrator>().MigrateAsync();
        }

        await _database.MigrateToAsync(BeforeTeamAccounts);
        var hash = new PasswordHasher<StudioUser>().HashPassword(new StudioUser(), "the old admin password");
        await _database.ExecuteAsync($"""
            INSERT INTO DashboardUsers (Id, Email, PasswordHash, FailedSignIns, LockedUntil, CreatedAt, LastSignInAt)
            VALUES (7, 'owner@old.test', '{hash}', 0, NULL, 1764000000000, NULL),
                   (8, 'second@old.test', '{hash}', 0, NULL, 1764000000000, NULL);
            """);
        SqliteConnection.ClearAllPools();

        await using var app = await TestApp.StartAsync(_database.FilePath);
        await using var scope = app.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInService>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();

        var owner = await signIn.CheckAsync("Owner@Old.test", "the old admin password", IPAddress.Loopback);
        Assert.Equal(SignInOutcome.Success, owner.Outcome);
        Assert.Equal(7, owner.User!.Id);
        Assert.Equal([StudioRoles.Owner], await users.GetRolesAsync(owner.User));
        Assert.Equal([StudioRoles.Owner], await users.GetRolesAsync((await users.FindByEmailAsync("second@old.test"))!));
        Assert.Null(await users.FindByEmailAsync(TestApp.AdminEmail));
    }
}
