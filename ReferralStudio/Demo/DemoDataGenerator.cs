using ReferralStudio.Platforms;

namespace ReferralStudio.Demo;

/// <summary>
/// Builds a realistic, deterministic demo data set: Meta webhook bodies (Instagram, Messenger, WhatsApp) for a
/// number of conversations over the 30 days before <c>now</c>, the triggers that match their ref codes and the
/// conversions some of them led to. Pure: no I/O and no clock; the same (now, seed, conversations) always
/// yields the same data set.
/// </summary>
/// <remarks>
/// Conversations arrive in every form Meta documents: Instagram ig.me referrals in the first message, in an ice
/// breaker postback or standalone into an existing thread; Messenger Get Started postbacks and standalone m.me
/// referrals; click-to-Messenger/Instagram ads (<c>source: ADS</c> with <c>ad_id</c>); Click-to-WhatsApp ads
/// (<c>source_id</c>, <c>ctwa_clid</c>) and organic wa.me texts carrying <c>ref: code</c>. Some get a later
/// touch with a different code, some plain follow-up messages, a few no campaign at all. Arrivals are busier at
/// weekends and in the afternoon and evening (store time, UTC+1). Events of one platform close together are
/// sometimes batched into one delivery, as Meta does.
/// <para>
/// The conversations are made up by <see cref="DemoConversationBuilder"/> from <see cref="DemoCatalog"/> and
/// written as webhook bodies by <see cref="DemoDeliveries"/>.
/// </para>
/// </remarks>
public static class DemoDataGenerator
{
    /// <summary>Every demo account id starts with this, so demo data can be cleared by account.</summary>
    public const string AccountPrefix = "demo-";

    /// <summary>Whether <paramref name="accountId"/> is one of the demo's (the C# twin of <c>DemoQueries.IsDemoAccount</c>).</summary>
    public static bool IsDemoAccount(string accountId) => accountId.StartsWith(AccountPrefix, StringComparison.Ordinal);

    public const string InstagramAccountId = "demo-ig-1784140000";
    public const string PageId = "demo-page-1065403";
    public const string PhoneNumberId = "demo-wa-1065403529";

    /// <summary>Participant ids embed the conversation number in six digits.</summary>
    public const int MaxConversations = 100_000;

    /// <summary>How far back the demo conversations reach.</summary>
    public static TimeSpan Period { get; } = TimeSpan.FromDays(30);

    public static IReadOnlyList<DemoAccount> Accounts { get; } =
    [
        new(PlatformNames.Instagram, InstagramAccountId, "acme.demo"),
        new(PlatformNames.Messenger, PageId, "acmedemo"),
        new(PlatformNames.WhatsApp, PhoneNumberId, "+15550100200"),
    ];

    public static IReadOnlyList<DemoTrigger> Triggers { get; } =
    [
        new("Summer sale", "summer_sale", [], ["campaign:summer"], null),
        new("Black Friday", "black_friday", [], ["campaign:black-friday"], null),
        new("Berlin store QR", "qr-store-berlin", [], ["campaign:store", "store:berlin"], "Hi! Thanks for visiting Acme Berlin. Show this chat at the till for 10% off."),
        new("November newsletter", "newsletter_nov", [], ["campaign:newsletter"], null),
        new("Affiliates", "collab_*", [], ["affiliate:{1}", "campaign:collab"], null),
        new("TikTok", "*_tiktok", [], ["channel:tiktok"], null),
    ];

    /// <summary>
    /// Generates <paramref name="conversations"/> conversations (distinct participants) over the
    /// <see cref="Period"/> before <paramref name="now"/>, every event at or before <paramref name="now"/>.
    /// </summary>
    public static DemoDataSet Generate(DateTimeOffset now, int seed = 2026, int conversations = 3000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(conversations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(conversations, MaxConversations);

        var random = new Random(seed);
        var builder = new DemoConversationBuilder(now, random);
        for (var i = 0; i < conversations; i++)
        {
            builder.AddConversation(i);
        }

        // Deliveries first: both draw from the one random sequence, so the order is part of the output.
        var deliveries = DemoDeliveries.Build(builder.Events, random, now);
        return new DemoDataSet(Triggers, deliveries, builder.BuildConversions(), Accounts);
    }
}
