using ReferralStudio.Hosting;

namespace ReferralStudio.Messaging;

public static class MessagingExtensions
{
    public static WebApplicationBuilder AddMessaging(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SendApiOptions>().BindConfiguration(SendApiOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddSingleton<AccessTokens>();
        builder.Services.AddHttpClient<SendApiClient>(SendApiClient.HttpClientName);
        builder.Services.AddSingleton<GreetingSender>();
        builder.Services.AddLeaderService<GreetingSender>();
        return builder;
    }
}
