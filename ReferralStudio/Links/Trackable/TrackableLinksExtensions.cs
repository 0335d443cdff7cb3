using ReferralStudio.Hosting;

namespace ReferralStudio.Links.Trackable;

public static class TrackableLinksExtensions
{
    public static WebApplicationBuilder AddTrackableLinks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LinkOptions>().BindConfiguration(LinkOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddSingleton<TrackableLinkCatalog>();
        builder.Services.AddSingleton<TrackableLinks>();
        builder.Services.AddSingleton<LinkFunnel>();
        builder.Services.AddSingleton<ScanCounter>();
        builder.Services.AddSingleton<ScanFlusher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ScanFlusher>());
        return builder;
    }

    /// <summary>Loads every link's route before the first request.</summary>
    public static Task LoadTrackableLinksAsync(this WebApplication app) =>
        app.Services.GetRequiredService<TrackableLinkCatalog>().ReloadAsync();
}
