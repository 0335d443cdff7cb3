using ReferralStudio.Alerts;
using ReferralStudio.Api;
using ReferralStudio.Attribution;
using ReferralStudio.Audit;
using ReferralStudio.Auth;
using ReferralStudio.Backup;
using ReferralStudio.Bench;
using ReferralStudio.Components;
using ReferralStudio.Data;
using ReferralStudio.Hosting;
using ReferralStudio.Inbox;
using ReferralStudio.Insight;
using ReferralStudio.Links.Trackable;
using ReferralStudio.Live;
using ReferralStudio.Messaging;
using ReferralStudio.MetaConversions;
using ReferralStudio.Operations;
using ReferralStudio.Outbound;
using ReferralStudio.Privacy;
using ReferralStudio.Security;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Triggers;
using ReferralStudio.Webhooks;

// backup <folder> and restore <folder>: commands on the two files, run instead of the web app.
if (BackupCommands.Handles(args))
{
    return BackupCommands.Run(args, Console.Out, Console.Error);
}

try
{
    var app = await Program.CreateAppAsync(args);
    await app.RunAsync();
    return 0;
}
catch (FilePairException refused)
{
    // A refusal the operator acts on: its message says what is wrong and what to do; a stack trace would bury it.
    Console.Error.WriteLine(refused.Message);
    return 1;
}
catch (Exception refused) when (SettingsRefusal.Describe(refused) is { } message)
{
    Console.Error.WriteLine(message);
    return 1;
}

public partial class Program
{
    /// <summary>The whole application; the tests start this same app on a real loopback port.</summary>
    public static async Task<WebApplication> CreateAppAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // No reloading of appsettings on change: its watcher covers the content root recursively, and the
        // SQLite files under data/ change with every webhook, waking the watcher's thread each time.
        var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
        builder.AddHosting();
        builder.AddSecurityHeaders();
        builder.AddData();
        builder.AddAudit();
        builder.AddInbox();
        builder.AddWebhooks();
        builder.AddAttribution();
        builder.AddTriggers();
        builder.AddTrackableLinks();
        builder.AddMessaging();
        builder.AddMetaConversions();
        builder.AddOutbound();
        builder.AddAlerts();
        builder.AddApi();
        builder.AddDashboardAuth();
        builder.AddInsight();
        builder.AddPrivacy();
        builder.AddDashboard();
        builder.AddLive();
        builder.AddRateLimits();
        builder.AddOperations();
        builder.AddLeadership();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.ValidateSettings();
        await app.MigrateDatabaseAsync();
        await app.ProtectStoredSecretsAsync();
        await app.LoadTriggersAsync();
        await app.LoadSubscriptionsAsync();
        await app.LoadTrackableLinksAsync();
        await app.EnsureAdminAsync();
        // Before everything: the metrics port (when configured) answers /metrics and nothing else.
        app.UseMetricsPort();
        // First: everything after it sees the client's address and scheme, not the proxy's.
        app.UseForwardedHeaders();
        app.UseTls();
        app.UseDashboard();
        app.MapStaticAssets();
        app.UseRateLimits();
        app.UseAuthentication();
        app.UseTwoStepRequirement();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapHealth();
        app.MapOperations();
        app.MapWebhooks();
        app.MapGoLinks();
        app.MapBench();
        app.MapApi();
        app.MapDashboardAuth();
        app.MapLive();
        app.MapAudit();
        app.MapDashboard();
        return app;
    }
}
