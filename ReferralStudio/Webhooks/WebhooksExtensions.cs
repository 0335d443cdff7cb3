using System.Text;
using Microsoft.Extensions.Options;
using ReferralStudio.Webhooks.Inbox;

namespace ReferralStudio.Webhooks;

/// <summary>The app secret's bytes, encoded once rather than on every request.</summary>
public sealed class MetaSigningKey(IOptions<MetaOptions> options)
{
    public byte[] Bytes { get; } = Encoding.UTF8.GetBytes(options.Value.AppSecret);
}

public static class WebhooksExtensions
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetaOptions>()
            .BindConfiguration(MetaOptions.Section)
            .ValidateDataAnnotations()
            .Validate(
                o => builder.Environment.IsDevelopment() || !string.IsNullOrWhiteSpace(o.AppSecret),
                "Meta:AppSecret is required outside Development (set it in configuration or the Meta__AppSecret environment variable).")
            .ValidateOnStart();
        builder.Services.AddSingleton<MetaSigningKey>();
        // On the system's monotonic clock, not the app's TimeProvider: a surge is about scheduling now.
        builder.Services.AddSingleton(new DeliveryProgress());
        builder.Services.AddSingleton<InboxWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InboxWriter>());
        builder.Services.AddOptions<InboxOptions>()
            .BindConfiguration(InboxOptions.Section)
            .Validate(
                o => o.RetainProcessedBodiesFor is null || o.RetainProcessedBodiesFor > TimeSpan.Zero,
                "Inbox:RetainProcessedBodiesFor must be a positive duration (e.g. 30.00:00:00 for 30 days), or unset to keep every body.")
            .ValidateOnStart();
        builder.Services.AddSingleton<InboxRetention>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InboxRetention>());
        return builder;
    }
}
