using ReferralStudio.Hosting;

namespace ReferralStudio.Privacy;

public static class PrivacyExtensions
{
    /// <summary>Export and erasure of one person's data, and the retention of message texts (<c>Privacy</c> settings, checked at start).</summary>
    public static WebApplicationBuilder AddPrivacy(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section).ValidateRules(o => o.Rules());
        // Both on either engine: each takes the SQLite files where they are registered, else works through EF on PostgreSQL.
        builder.Services.AddSingleton<PersonalData>();
        builder.Services.AddSingleton<MessageTextRetention>();
        builder.Services.AddLeaderService<MessageTextRetention>();
        return builder;
    }
}
