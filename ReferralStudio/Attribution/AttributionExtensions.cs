using ReferralStudio.Hosting;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Attribution;

public static class AttributionExtensions
{
    public static WebApplicationBuilder AddAttribution(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WhatsAppOptions>()
            .BindConfiguration(WhatsAppOptions.Section)
            .Validate(o => IsUsablePattern(o.TextRefPattern),
                "WhatsApp:TextRefPattern must be a valid regular expression with a group named 'ref'.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AttributionProcessor>();
        builder.Services.AddLeaderService<AttributionProcessor>();
        return builder;
    }

    private static bool IsUsablePattern(string pattern)
    {
        try
        {
            _ = new PrefilledTextRefExtractor(pattern);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
