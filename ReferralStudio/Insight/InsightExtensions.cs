using Microsoft.Extensions.Options;
using ReferralStudio.Hosting;

namespace ReferralStudio.Insight;

public static class InsightExtensions
{
    /// <summary>The business's time zone (checked at start) and the days in it that the overview and the live board count.</summary>
    public static WebApplicationBuilder AddInsight(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StudioOptions>().BindConfiguration(StudioOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddSingleton(sp => new BusinessDay(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<StudioOptions>>()));
        return builder;
    }
}
