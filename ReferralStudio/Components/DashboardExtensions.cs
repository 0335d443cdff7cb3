using Radzen;
using ReferralStudio.Components.Studio;
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
        return builder;
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapStudioDownloads();
        app.MapKitDownloads();
        return app;
    }
}
