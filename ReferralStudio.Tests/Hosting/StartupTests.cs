using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ReferralStudio.Hosting;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Hosting;

/// <summary>Outside Development a missing secret stops the app, and anywhere a value that would misbehave does, with a message naming the key.</summary>
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

    [Theory]
    [InlineData("Meta:AppSecret")]
    [InlineData("Meta:VerifyToken")]
    [InlineData("Api:Key")]
    [InlineData("Admin:Password")]
    public async Task App_Refuses_To_Start_Outside_Development_With_A_Public_Development_Secret(string key)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestApp.StartAsync(settings: new Dictionary<string, string?> { [key] = DevelopmentSecrets.ByKey[key] }));

        Assert.Contains($"{key} is the Development value", error.Message);
    }

    [Fact]
    public void The_Refused_Development_Secrets_Are_Those_Of_AppSettings_Development()
    {
        var development = new ConfigurationBuilder().AddJsonFile(Path.Combine(TestApp.RepoRoot, "appsettings.Development.json")).Build();

        Assert.All(DevelopmentSecrets.ByKey, secret => Assert.Equal(secret.Value, development[secret.Key]));
    }

    [Fact]
    public async Task App_Refuses_To_Start_With_A_Text_Ref_Pattern_Without_A_Ref_Group()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestApp.StartAsync(settings: new Dictionary<string, string?> { ["WhatsApp:TextRefPattern"] = "code=(\\w+)" }));

        Assert.Contains("WhatsApp:TextRefPattern", error.Message);
    }

    [Theory]
    [InlineData("Outbound:MaxConcurrency", "0")]
    [InlineData("Outbound:Timeout", "00:00:00")]
    [InlineData("Outbound:DisableAfterFailures", "0")]
    [InlineData("Outbound:Retry:BaseDelay", "-00:00:01")]
    [InlineData("Outbound:Retry:MaxAttempts", "0")]
    [InlineData("Outbound:Retry:JitterFraction", "1.5")]
    [InlineData("Outbound:Retry:MaxDelay", "00:00:01")]
    [InlineData("Outbound:AllowedPorts:0", "0")]
    [InlineData("Outbound:AllowedPorts:0", "65536")]
    [InlineData("Outbound:AllowedPorts:0", "-443")]
    [InlineData("Meta:Timeout", "00:00:00")]
    [InlineData("Meta:MaxAttempts", "0")]
    [InlineData("Meta:GraphApiBaseUrl", "graph.facebook.com")]
    [InlineData("SignIn:FreeFailures", "0")]
    [InlineData("SignIn:MaxDelay", "00:00:00")]
    [InlineData("Sessions:AbsoluteLifetime", "00:00:00")]
    [InlineData("Tls:HttpsPort", "0")]
    [InlineData("Sessions:RecheckEvery", "-00:00:01")]
    [InlineData("RateLimits:SignIn:PermitsPerMinute", "0")]
    [InlineData("Demo:Conversations", "0")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "10.0.0.300")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33")]
    [InlineData("Studio:TimeZone", "Mars/Olympus_Mons")]
    [InlineData("Studio:TimeZone", "")]
    [InlineData("Redis:ChannelPrefix", "")]
    [InlineData("Leadership:RetryEvery", "00:00:00")]
    [InlineData("Leadership:RetryEvery", "00:00:11")]
    [InlineData("Leadership:CheckEvery", "-00:00:01")]
    [InlineData("Leadership:CheckEvery", "00:01:00")]
    public async Task App_Refuses_To_Start_With_A_Setting_That_Would_Misbehave(string key, string value)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestApp.StartAsync(settings: new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(key, error.Message);
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
