using Radzen;
using ReferralStudio.Components.Studio;
using ReferralStudio.Hosting;
using ReferralStudio.Insight;
using ReferralStudio.Links;

namespace ReferralStudio.Components;

public static class DashboardExtensions
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddRadzenComponents();
        builder.Services.AddRadzenCookieThemeService(o =>
        {
            o.Name = App.ThemeCookie;
            o.Duration = TimeSpan.FromDays(365);
        });
        builder.Services.AddMemoryCache();
        builder.Services.AddHttpClient();
        builder.Services.AddSingleton<Simulation.Simulator>();
        builder.Services.AddOptions<Demo.DemoOptions>().BindConfiguration(Demo.DemoOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddSingleton<Demo.DemoLoader>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapStudioDownloads();
        app.MapKitDownloads();
        app.MapFeedExport();
        return app;
    }
}
