using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Auth;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Auth;

public sealed class SignInServiceTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Configured_Admin_Signs_In_With_Any_Email_Case()
    {
        var signIn = _app.Services.GetRequiredService<SignInService>();

        var (outcome, user, _) = await signIn.CheckAsync(TestApp.AdminEmail.ToUpperInvariant(), TestApp.AdminPassword, default);

        Assert.Equal(SignInOutcome.Success, outcome);
        Assert.Equal(TestApp.AdminEmail, user!.Email);
    }

    [Fact]
    public async Task Repeated_Failures_Lock_The_Account_Even_Against_The_Right_Password_Until_It_Expires()
    {
        var signIn = _app.Services.GetRequiredService<SignInService>();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(SignInOutcome.WrongCredentials, (await signIn.CheckAsync(TestApp.AdminEmail, "guess-" + i, default)).Outcome);
        }

        Assert.Equal(SignInOutcome.LockedOut, (await signIn.CheckAsync(TestApp.AdminEmail, "guess-5", default)).Outcome);
        Assert.Equal(SignInOutcome.LockedOut, (await signIn.CheckAsync(TestApp.AdminEmail, TestApp.AdminPassword, default)).Outcome);

        _app.Time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(SignInOutcome.Success, (await signIn.CheckAsync(TestApp.AdminEmail, TestApp.AdminPassword, default)).Outcome);
    }

    [Fact]
    public async Task Unknown_Email_Is_Refused_Like_A_Wrong_Password()
    {
        var (outcome, user, _) = await _app.Services.GetRequiredService<SignInService>().CheckAsync("nobody@studio.test", TestApp.AdminPassword, default);

        Assert.Equal(SignInOutcome.WrongCredentials, outcome);
        Assert.Null(user);
    }

    [Fact]
    public async Task Password_Is_Stored_Hashed()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_app.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT PasswordHash FROM DashboardUsers";
        var hash = (string)(await command.ExecuteScalarAsync())!;

        Assert.DoesNotContain(TestApp.AdminPassword, hash);
        Assert.True(hash.Length > 40);
    }
}
