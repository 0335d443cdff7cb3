using ReferralStudio.Hosting;

namespace ReferralStudio.MetaConversions;

public static class MetaConversionsExtensions
{
    public static WebApplicationBuilder AddMetaConversions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetaConversionsOptions>().BindConfiguration(MetaConversionsOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddSingleton<MetaConversionQueue>();
        // No request logging: the factory's handlers would write the URL, whose query carries the access token.
        builder.Services.AddHttpClient<ConversionsApiClient>(ConversionsApiClient.HttpClientName).RemoveAllLoggers();
        builder.Services.AddSingleton<MetaConversionSender>();
        builder.Services.AddLeaderService<MetaConversionSender>();
        return builder;
    }
}
