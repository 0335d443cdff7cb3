using Microsoft.Extensions.Options;
using ReferralStudio.Hosting;
using ReferralStudio.Outbound.Safety;
using ReferralStudio.Outbound.Signing;

namespace ReferralStudio.Outbound;

public static class OutboundExtensions
{
    public static WebApplicationBuilder AddOutbound(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddSingleton<SubscriptionCatalog>();
        builder.Services.AddSingleton<OutboundDeliveryStore>();
        builder.Services.AddSingleton<OutboundQueue>();
        builder.Services.AddSingleton(sp =>
        {
            var secrets = ActivatorUtilities.CreateInstance<SigningSecrets>(sp);
            sp.GetRequiredService<SubscriptionCatalog>().Reloaded += secrets.KeepOnly;
            return secrets;
        });
        builder.Services.AddSingleton<OutboundSubscriptions>();
        builder.Services.AddSingleton(_ => new OutboundUrlPolicy());
        builder.Services.AddHttpClient(OutboundDispatcher.HttpClientName)
            // The factory's logging handlers write the full request URI ("Start processing HTTP request POST
            // https://host/path?token=..."), and integrators' paths and queries hold their secrets. The dispatcher
            // logs each attempt itself, with scheme, host and port only (UrlRedaction).
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptions<OutboundOptions>>().Value;
                return new SocketsHttpHandler
                {
                    // Checked again at connect time, so a DNS answer that changed since the URL was accepted
                    // cannot point a delivery at a private address, nor a URL stored earlier at a port not allowed now.
                    ConnectCallback = SafeConnect.Create(options.AllowPrivateNetworks, options.Ports),
                    AllowAutoRedirect = false,
                    UseProxy = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                };
            });
        builder.Services.AddSingleton<OutboundDispatcher>();
        builder.Services.AddLeaderService<OutboundDispatcher>();
        return builder;
    }

    public static Task LoadSubscriptionsAsync(this WebApplication app) =>
        app.Services.GetRequiredService<SubscriptionCatalog>().ReloadAsync();
}
