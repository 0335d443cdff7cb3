using System.Text.Json;

namespace ReferralStudio.Tests.Infrastructure;

/// <summary>
/// Meta webhook bodies shaped as in ../shared/reference/meta-webhooks.md. Events are plain objects
/// so a test can mix them into one batch.
/// </summary>
public static class Payloads
{
    public const string InstagramAccount = "17841400000000001";
    public const string PageId = "106540352242900";
    public const string PhoneNumberId = "106540352242922";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = null };

    public static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static string Envelope(string @object, params object[] entries) =>
        JsonSerializer.Serialize(new { @object, entry = entries }, Json);

    public static object Entry(string id, params object[] messaging) => new { id, time = 1763700000000, messaging };

    public static object StandbyEntry(string id, params object[] standby) => new { id, time = 1763700000000, standby };

    public static string Instagram(params object[] messaging) => Envelope("instagram", Entry(InstagramAccount, messaging));

    public static string Messenger(params object[] messaging) => Envelope("page", Entry(PageId, messaging));

    public static object Referral(string sender, DateTimeOffset at, string? @ref, string source = "SHORTLINKS", string account = InstagramAccount) => new
    {
        sender = new { id = sender },
        recipient = new { id = account },
        timestamp = Ms(at),
        referral = new { @ref, source, type = "OPEN_THREAD" },
    };

    public static object Message(string sender, DateTimeOffset at, string text, object? referral = null, string account = InstagramAccount) => new
    {
        sender = new { id = sender },
        recipient = new { id = account },
        timestamp = Ms(at),
        message = referral is null
            ? (object)new { mid = Unique("mid"), text }
            : new { mid = Unique("mid"), text, referral },
    };

    public static object Postback(string sender, DateTimeOffset at, string title, string payload, object? referral, string account = InstagramAccount) => new
    {
        sender = new { id = sender },
        recipient = new { id = account },
        timestamp = Ms(at),
        postback = new { mid = Unique("pb"), title, payload, referral },
    };

    public static object Echo(string sender, DateTimeOffset at, string account = InstagramAccount) => new
    {
        sender = new { id = account },
        recipient = new { id = sender },
        timestamp = Ms(at),
        message = new { mid = Unique("echo"), text = "Thanks!", is_echo = true, referral = new { @ref = "echo_should_not_count", source = "SHORTLINK", type = "OPEN_THREAD" } },
    };

    public static object Read(string sender, DateTimeOffset at, string account = InstagramAccount) => new
    {
        sender = new { id = sender },
        recipient = new { id = account },
        timestamp = Ms(at),
        read = new { mid = Unique("read") },
    };

    public static object RefLink(string? @ref, string source = "SHORTLINKS") => new { @ref, source, type = "OPEN_THREAD" };

    public static object AdReferral(string adId, string? @ref = null) => new
    {
        @ref,
        ad_id = adId,
        source = "ADS",
        type = "OPEN_THREAD",
        ads_context_data = new { ad_title = "Summer ad", photo_url = "https://example.test/p.jpg", post_id = "post-1" },
    };

    public static string WhatsApp(params object[] messages) => WhatsAppValue(new
    {
        messaging_product = "whatsapp",
        metadata = new { display_phone_number = "15550783881", phone_number_id = PhoneNumberId },
        messages,
    });

    public static string WhatsAppWithContact(string waId, string name, params object[] messages) => WhatsAppValue(new
    {
        messaging_product = "whatsapp",
        metadata = new { display_phone_number = "15550783881", phone_number_id = PhoneNumberId },
        contacts = new[] { new { profile = new { name }, wa_id = waId } },
        messages,
    });

    public static string WhatsAppValue(object value) => Envelope(
        "whatsapp_business_account",
        new { id = "WABA-1", changes = new[] { new { field = "messages", value } } });

    public static object WhatsAppText(string from, DateTimeOffset at, string body, object? referral = null) => referral is null
        ? new { from, id = Unique("wamid"), timestamp = at.ToUnixTimeSeconds().ToString(), type = "text", text = new { body } }
        : new { from, id = Unique("wamid"), timestamp = at.ToUnixTimeSeconds().ToString(), type = "text", text = new { body }, referral };

    public static object CtwaReferral(string sourceId, string? ctwaClid) => ctwaClid is null
        ? new { source_url = "https://fb.me/3cr4Wqqkv", source_id = sourceId, source_type = "ad", headline = "Summer", body = "20% off", media_type = "image", image_url = "https://example.test/i.jpg" }
        : new { source_url = "https://fb.me/3cr4Wqqkv", source_id = sourceId, source_type = "ad", headline = "Summer", body = "20% off", media_type = "image", image_url = "https://example.test/i.jpg", ctwa_clid = ctwaClid };
}
