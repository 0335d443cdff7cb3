using System.Text;
using Microsoft.Extensions.Options;
using ReferralStudio.Hosting;

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
            .ValidateRules(o =>
            [
                DevelopmentSecrets.Refuse(builder.Environment, $"{MetaOptions.Section}:AppSecret", o.AppSecret),
                DevelopmentSecrets.Refuse(builder.Environment, $"{MetaOptions.Section}:VerifyToken", o.VerifyToken),
            ]);
        builder.Services.AddSingleton<MetaSigningKey>();
        builder.Services.AddSingleton<InboundDeliveries>();
        return builder;
    }
}
