using Microsoft.Extensions.Options;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Hosting;

/// <summary>Outside Development a missing secret stops the app with a message naming the key.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("Meta:AppSecret")]
    [InlineData("Api:Key")]
    [InlineData("Admin:Email")]
    [InlineData("Admin:Password")]
    public async Task App_Refuses_To_Start_Without_A_Required_Secret(string key)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestApp.StartAsync(settings: new Dictionary<string, string?> { [key] = "" }));

        Assert.Contains(key, error.Message);
    }

    [Fact]
    public async Task App_Refuses_To_Start_With_A_Text_Ref_Pattern_Without_A_Ref_Group()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestApp.StartAsync(settings: new Dictionary<string, string?> { ["WhatsApp:TextRefPattern"] = "code=(\\w+)" }));

        Assert.Contains("WhatsApp:TextRefPattern", error.Message);
    }

    [Fact]
    public async Task First_Start_Creates_The_Database_Through_Migrations()
    {
        var path = TestApp.NewDatabasePath();
        await using (var app = await TestApp.StartAsync(path))
        {
            Assert.True(File.Exists(path));
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM __EFMigrationsHistory";
        Assert.True((long)(await command.ExecuteScalarAsync())! >= 1);
    }
}
