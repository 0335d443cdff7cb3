using ReferralStudio.Data;
using ReferralStudio.Hosting;

namespace ReferralStudio.Privacy;

public static class PrivacyExtensions
{
    /// <summary>Export and erasure of one person's data, and the retention of message texts (<c>Privacy</c> settings, checked at start).</summary>
    public static WebApplicationBuilder AddPrivacy(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddSingleton<PersonalData>();
        // Both work on SQLite's files; their PostgreSQL versions are the next part of issue 16.
        if (!DatabaseOptions.From(builder.Configuration).IsPostgres)
        {
            builder.Services.AddSingleton<MessageTextRetention>();
            builder.Services.AddLeaderService<MessageTextRetention>();
        }
        return builder;
    }
}
