using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Auth;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Auth;

/// <summary>Password checks under growing delays: guessing slows down, the account's owner still gets in.</summary>
public sealed class SignInServiceTests : IAsyncLifetime
{
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Office = IPAddress.Parse("198.51.100.20");
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<SignInCheck> CheckAsync(string email, string password, IPAddress client)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SignInService>().CheckAsync(email, password, client);
    }

    [Fact]
    public async Task Configured_Admin_Signs_In_With_Any_Email_Case_As_The_First_Owner()
    {
        var check = await CheckAsync(TestApp.AdminEmail.ToUpperInvariant(), TestApp.AdminPassword, Office);

        Assert.Equal(SignInOutcome.Success, check.Outcome);
        Assert.Equal(TestApp.AdminEmail, check.User!.Email);
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<StudioUser>>();
        Assert.Equal([StudioRoles.Owner], await users.GetRolesAsync(check.User));
    }

    [Fact]
    public async Task Guessing_From_One_Client_Is_Slowed_Down_With_Growing_Delays_That_Pass()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(SignInOutcome.WrongCredentials, (await CheckAsync(TestApp.AdminEmail, "guess-" + i, Attacker)).Outcome);
        }

        var first = await CheckAsync(TestApp.AdminEmail, TestApp.AdminPassword, Attacker);
        Assert.Equal(SignInOutcome.Throttled, first.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(1), first.RetryAfter);

        _app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SignInOutcome.WrongCredentials, (await CheckAsync(TestApp.AdminEmail, "guess-3", Attacker)).Outcome);
        Assert.Equal(TimeSpan.FromSeconds(2), (await CheckAsync(TestApp.AdminEmail, "guess-4", Attacker)).RetryAfter);

        // Once the delay has passed, the right password signs in: slowed, never locked.
        _app.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(SignInOutcome.Success, (await CheckAsync(TestApp.AdminEmail, TestApp.AdminPassword, Attacker)).Outcome);
    }

    [Fact]
    public async Task The_Owner_Of_An_Account_Under_Attack_Signs_In_From_Elsewhere_At_Once()
    {
        for (var i = 0; i < 10; i++)
        {
            await CheckAsync(TestApp.AdminEmail, "guess-" + i, Attacker);
        }

        Assert.Equal(SignInOutcome.Throttled, (await CheckAsync(TestApp.AdminEmail, "guess-10", Attacker)).Outcome);
        Assert.Equal(SignInOutcome.Success, (await CheckAsync(TestApp.AdminEmail, TestApp.AdminPassword, Office)).Outcome);
    }

    [Fact]
    public async Task Unknown_And_Known_Emails_Get_The_Same_Answers_In_The_Same_Order()
    {
        var known = new List<(SignInOutcome, TimeSpan)>();
        var unknown = new List<(SignInOutcome, TimeSpan)>();
        for (var i = 0; i < 6; i++)
        {
            var a = await CheckAsync(TestApp.AdminEmail, "guess-" + i, Attacker);
            var b = await CheckAsync("nobody@studio.test", "guess-" + i, Office);
            known.Add((a.Outcome, a.RetryAfter));
            unknown.Add((b.Outcome, b.RetryAfter));
        }

        Assert.Equal(known, unknown);
        Assert.Contains((SignInOutcome.Throttled, TimeSpan.FromSeconds(1)), known);
    }

    [Fact]
    public async Task Parallel_Guesses_Get_No_More_Password_Checks_Than_Sequential_Ones()
    {
        var checks = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => CheckAsync(TestApp.AdminEmail, "parallel-" + i, Attacker)));

        Assert.Equal(3, checks.Count(c => c.Outcome == SignInOutcome.WrongCredentials));
        Assert.Equal(17, checks.Count(c => c.Outcome == SignInOutcome.Throttled));
    }

    [Fact]
    public async Task Password_Is_Stored_Hashed()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_app.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT PasswordHash FROM AspNetUsers";
        var hash = (string)(await command.ExecuteScalarAsync())!;

        Assert.DoesNotContain(TestApp.AdminPassword, hash);
        Assert.True(hash.Length > 40);
    }
}
