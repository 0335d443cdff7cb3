using Microsoft.Extensions.Options;
using ReferralStudio.Hosting;
using ReferralStudio.Outbound.Safety;

namespace ReferralStudio.Outbound;

public static class OutboundExtensions
{
    public static WebApplicationBuilder AddOutbound(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddSingleton<SubscriptionCatalog>();
        builder.Services.AddSingleton<OutboundDeliveryStore>();
        builder.Services.AddSingleton<OutboundQueue>();
        builder.Services.AddSingleton<OutboundSubscriptions>();
        builder.Services.AddSingleton(_ => new OutboundUrlPolicy());
        builder.Services.AddHttpClient(OutboundDispatcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // Checked again at connect time, so a DNS answer that changed since the URL was
                // accepted cannot point a delivery at a private address.
                ConnectCallback = SafeConnect.Create(sp.GetRequiredService<IOptions<OutboundOptions>>().Value.AllowPrivateNetworks),
                AllowAutoRedirect = false,
                UseProxy = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        builder.Services.AddSingleton<OutboundDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboundDispatcher>());
        return builder;
    }

    public static Task LoadSubscriptionsAsync(this WebApplication app) =>
        app.Services.GetRequiredService<SubscriptionCatalog>().ReloadAsync();
}
