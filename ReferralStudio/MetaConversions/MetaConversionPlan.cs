using System.Text;
using System.Text.Json;
using ReferralStudio.Platforms;

namespace ReferralStudio.MetaConversions;

/// <summary>The ad touch a conversion is reported for: its ad id and, on WhatsApp, the click id Meta matches it by.</summary>
public sealed record AdTouch(long TouchId, string AdId, string? CtwaClid);

/// <summary>What a conversion becomes for Meta: an event to send, or a row that says why it cannot be sent.</summary>
public sealed record MetaConversionPlan(MetaConversionStatus Status, string EventName, string Payload, string? Reason);

/// <summary>
/// Which conversions go to Meta's Conversions API for Business Messaging, and the event each one is
/// (https://developers.facebook.com/docs/marketing-api/conversions-api/business-messaging). Pure: no database, no HTTP.
/// </summary>
public static class MetaConversionPlanner
{
    public const string ActionSource = "business_messaging";

    /// <summary>
    /// Null when the conversion is not Meta's business: a simulated or demo conversation (nobody real), or one no ad
    /// touched before the conversion (organic: nothing for Meta to attribute). Otherwise a pending event, or a skipped
    /// row with the reason when it can never be sent (a type with no Meta event, a WhatsApp ad referral without ctwa_clid).
    /// </summary>
    public static MetaConversionPlan? Plan(
        string platform, string accountId, string? whatsAppBusinessAccountId, string participantId, bool simulatedOrDemo, AdTouch? adTouch,
        string type, double? value, string? currency, DateTimeOffset occurredAt, string externalId, MetaConversionsOptions options)
    {
        if (simulatedOrDemo || adTouch is null)
        {
            return null;
        }

        var eventName = options.EventNameFor(type);
        if (eventName is null)
        {
            return new(MetaConversionStatus.Skipped, "", "",
                $"Not sent: no Meta event for the conversion type '{type}' (add it to {MetaConversionsOptions.Section}:EventNames).");
        }

        if (platform == PlatformNames.WhatsApp && string.IsNullOrEmpty(adTouch.CtwaClid))
        {
            return new(MetaConversionStatus.Skipped, eventName, "",
                $"Not sent: the WhatsApp ad referral (ad {adTouch.AdId}) carried no ctwa_clid, which Meta matches WhatsApp conversions by.");
        }

        var payload = Payload(platform, accountId, whatsAppBusinessAccountId, participantId, adTouch.CtwaClid, eventName, value, currency, occurredAt, externalId);
        return new(MetaConversionStatus.Pending, eventName, payload, null);
    }

    /// <summary>
    /// One element of the request's <c>data</c> array, as Meta's documentation names the fields. On WhatsApp the account
    /// is the WhatsApp Business Account (not the phone number id the app keys accounts by), when it is known.
    /// </summary>
    public static string Payload(
        string platform, string accountId, string? whatsAppBusinessAccountId, string participantId, string? ctwaClid,
        string eventName, double? value, string? currency, DateTimeOffset occurredAt, string externalId)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("event_name", eventName);
            json.WriteNumber("event_time", occurredAt.ToUnixTimeSeconds());
            json.WriteString("action_source", ActionSource);
            // The channel names are the platform names: whatsapp, messenger, instagram.
            json.WriteString("messaging_channel", platform);
            // The conversion's external id, the same on every retry (Meta's guide leaves de-duplication to the sender: see the sender).
            json.WriteString("event_id", externalId);
            json.WriteStartObject("user_data");
            switch (platform)
            {
                case PlatformNames.WhatsApp:
                    if (whatsAppBusinessAccountId is not null)
                    {
                        json.WriteString("whatsapp_business_account_id", whatsAppBusinessAccountId);
                    }

                    json.WriteString("ctwa_clid", ctwaClid);
                    break;
                case PlatformNames.Messenger:
                    json.WriteString("page_id", accountId);
                    json.WriteString("page_scoped_user_id", participantId);
                    break;
                default:
                    json.WriteString("instagram_business_account_id", accountId);
                    json.WriteString("ig_sid", participantId);
                    break;
            }

            json.WriteEndObject();
            if (value is { } amount)
            {
                json.WriteStartObject("custom_data");
                if (currency is not null)
                {
                    json.WriteString("currency", currency);
                }

                json.WriteNumber("value", amount);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The request body for one event: <c>{"data":[event]}</c>.</summary>
    public static string RequestBody(string payload) => $$"""{"data":[{{payload}}]}""";
}
