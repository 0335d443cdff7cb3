using System.Security.Cryptography;
using System.Text;
using ReferralStudio.Platforms;

namespace ReferralStudio.Alerts;

/// <summary>The two kinds of silence: their names in the API and in <c>system.alert</c> events.</summary>
public static class AlertKinds
{
    /// <summary>No activity at all from an account that usually has some.</summary>
    public const string WebhooksSilent = "webhooks_silent";

    /// <summary>Messages keep arriving but the campaign touches an account usually gets have stopped.</summary>
    public const string ReferralsSilent = "referrals_silent";
}

/// <summary>What an alert is about: one kind of silence of one account on one platform.</summary>
public readonly record struct AlertKey(string Kind, string Platform, string AccountId);

/// <summary>
/// An open silence alert. <see cref="Since"/> is the newest activity (or campaign touch) before the silence, so the
/// same silence always has the same <see cref="Id"/>, whenever and however often it is announced.
/// </summary>
public sealed record SilenceAlert(AlertKey Key, DateTimeOffset Since, DateTimeOffset RaisedAt, int Baseline)
{
    public string Id { get; } = IdOf(Key, Since);

    public string Kind => Key.Kind;

    public string Platform => Key.Platform;

    public string AccountId => Key.AccountId;

    public IReadOnlyList<string> LikelyCauses => SilenceCauses.For(Key.Kind, Key.Platform);

    /// <summary>One sentence for a banner or a chat message; <paramref name="handle"/> names the account when known.</summary>
    public string Summary(string? handle)
    {
        var account = $"{PlatformNames.DisplayName(Platform)} account {(string.IsNullOrEmpty(handle) ? AccountId : $"{handle} ({AccountId})")}";
        var since = Since.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        return Kind == AlertKinds.ReferralsSilent
            ? $"Messages still arrive for {account}, but no referral since {since} (usually {Baseline} a week)."
            : $"No webhooks for {account} since {since} (usually {Baseline} conversations a week).";
    }

    /// <summary><c>alr_</c> and 16 hex digits of a hash of the kind, platform, account and start of the silence.</summary>
    public static string IdOf(AlertKey key, DateTimeOffset since)
    {
        var text = $"{key.Kind}|{key.Platform}|{key.AccountId}|{since.ToUnixTimeMilliseconds()}";
        return "alr_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}

/// <summary>What usually makes each kind of silence happen on each platform, most likely first.</summary>
public static class SilenceCauses
{
    public static IReadOnlyList<string> For(string kind, string platform) => (kind, platform) switch
    {
        (AlertKinds.WebhooksSilent, PlatformNames.WhatsApp) =>
        [
            "The app was unsubscribed from the WhatsApp Business Account (POST /{waba-id}/subscribed_apps subscribes it again).",
            "The webhook field messages was unsubscribed in the App Dashboard (WhatsApp > Configuration).",
            "The system user's access token expired or lost the whatsapp_business_messaging permission.",
            "Meta disabled the callback URL after failed deliveries, or it is unreachable (certificate, proxy, DNS).",
            "The phone number was disconnected, migrated or restricted.",
        ],
        (AlertKinds.WebhooksSilent, _) =>
        [
            "The Page access token expired or was invalidated (a password change, a removed admin, revoked permissions).",
            "The app was unsubscribed from the Page (POST /{page-id}/subscribed_apps subscribes it again).",
            $"The webhook field messages was unsubscribed in the App Dashboard ({PlatformNames.DisplayName(platform)} > Webhooks).",
            "Meta disabled the callback URL after failed deliveries, or it is unreachable (certificate, proxy, DNS).",
            "Another app took over the conversations (handover protocol) and this one is not subscribed to standby.",
        ],
        (AlertKinds.ReferralsSilent, PlatformNames.Instagram) =>
        [
            "The ice breakers were removed: ig.me links pass a ref into a new thread only with ice breakers set.",
            "The webhook field messaging_referral (or messaging_postbacks) was unsubscribed in the App Dashboard.",
            "The ads or campaigns pointing at this account were paused or ended.",
            "Links or QR codes in use lost their ref (a bio link or a printed code changed).",
        ],
        (AlertKinds.ReferralsSilent, PlatformNames.Messenger) =>
        [
            "The Get Started button was removed: m.me links pass a ref into a new thread only with it.",
            "The webhook field messaging_referrals (or messaging_postbacks) was unsubscribed in the App Dashboard.",
            "The ads or campaigns pointing at this Page were paused or ended.",
            "Links or QR codes in use lost their ref (a link or a printed code changed).",
        ],
        _ =>
        [
            "The Click-to-WhatsApp ads pointing at this number were paused or ended.",
            "wa.me links in use lost their pre-filled \"ref: ...\" text (edited or replaced), or people edit it away.",
            "Links or QR codes in use point at another number.",
        ],
    };
}
