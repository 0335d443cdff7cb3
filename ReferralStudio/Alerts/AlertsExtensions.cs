using ReferralStudio.Hosting;

namespace ReferralStudio.Alerts;

public static class AlertsExtensions
{
    public static WebApplicationBuilder AddAlerts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddSingleton<AlertBoard>();
        builder.Services.AddSingleton<SilenceWatch>();
        builder.Services.AddLeaderService<SilenceWatch>();
        return builder;
    }
}
