using MudBlazor.Services;
using ReferralStudio.Components.Theme;
using ReferralStudio.Components.Studio;
using ReferralStudio.Hosting;
using ReferralStudio.Insight;
using ReferralStudio.Links;
using ReferralStudio.Privacy;

namespace ReferralStudio.Components;

public static class DashboardExtensions
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddExceptionHandler<ProblemForNonPages>();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<Insight.PrerenderHandoff>();
        builder.Services.AddHttpClient();
        builder.Services.AddSingleton<Simulation.Simulator>();
        builder.Services.AddOptions<Demo.DemoOptions>().BindConfiguration(Demo.DemoOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddSingleton<Demo.DemoLoader>();
        builder.Services.AddSingleton<Accounts.BusinessAccounts>();
        return builder;
    }

    /// <summary>
    /// Browsers get the styled error and 404 pages; API clients and Meta keep ProblemDetails.
    /// </summary>
    public static IApplicationBuilder UseDashboard(this IApplicationBuilder app)
    {
        // Development keeps the developer exception page.
        if (!app.ApplicationServices.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        // The re-executing handler has to sit on the main pipeline (it re-runs routing for /not-found); the
        // ProblemDetails one inside it answers everything that is not a page request first.
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseWhen(context => !IsPageRequest(context), api => api.UseStatusCodePages());
        return app.UseThemeHint();
    }

    internal static bool IsPageRequest(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method)
        && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal)
        && !context.Request.Path.StartsWithSegments("/api")
        && !context.Request.Path.StartsWithSegments("/webhooks");

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapStudioDownloads();
        app.MapKitDownloads();
        app.MapFeedExport();
        app.MapPersonalDataDownload();
        return app;
    }
}
