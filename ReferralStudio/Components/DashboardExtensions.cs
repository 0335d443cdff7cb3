using MudBlazor.Services;
using Radzen;
using ReferralStudio.Components.Theme;
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
        builder.Services.AddMudServices();
        builder.Services.AddRadzenComponents();
        builder.Services.AddMemoryCache();
        builder.Services.AddHttpClient();
        builder.Services.AddSingleton<Simulation.Simulator>();
        builder.Services.AddOptions<Demo.DemoOptions>().BindConfiguration(Demo.DemoOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddSingleton<Demo.DemoLoader>();
        return builder;
    }

    public static IApplicationBuilder UseDashboard(this IApplicationBuilder app) => app.UseThemeHint();

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapStudioDownloads();
        app.MapKitDownloads();
        app.MapFeedExport();
        return app;
    }
}
