using System.Text;
using System.Text.Json;
using ReferralStudio.Platforms;
using static ReferralStudio.Webhooks.Parsing.MetaJson;

namespace ReferralStudio.Webhooks.Parsing;

/// <summary>
/// Turns one Meta webhook body (Instagram, Messenger or WhatsApp) into the events that can carry a referral.
/// It never throws on any body: a throw would fail the whole delivery, Meta would retry it and, after an
/// hour of failures, unsubscribe the app. Anything unreadable becomes a <see cref="RejectedEvent"/> instead.
/// </summary>
/// <remarks>
/// The envelope (<c>object</c>, <c>entry[]</c>) is read here; each event by <see cref="MessagingEventParser"/> or
/// <see cref="WhatsAppChangeParser"/>, into a <see cref="ParseBatch"/>.
/// </remarks>
public static class MetaPayloadParser
{
    public static Platform? PlatformOf(string? objectName) => objectName switch
    {
        "instagram" => Platform.Instagram,
        "page" => Platform.Messenger,
        "whatsapp_business_account" => Platform.WhatsApp,
        _ => null,
    };

    /// <param name="body">The raw request body.</param>
    /// <param name="maxDepth">JSON nesting limit; deeper bodies are rejected, not thrown. 0 means the default of 64.</param>
    public static ParseResult Parse(ReadOnlyMemory<byte> body, int maxDepth = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            // JsonDocument accepts invalid UTF-8 inside strings and throws only when one is decoded.
            return new ParseResult([], [new RejectedEvent { Reason = "body is not valid UTF-8", RawJson = Encoding.UTF8.GetString(body.Span) }], 0);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException ex)
        {
            // The endpoint checks JSON first, so this is a depth limit or a caller bug; keep the body for inspection.
            return new ParseResult([], [new RejectedEvent { Reason = "body is not valid JSON: " + ex.Message, RawJson = Encoding.UTF8.GetString(body.Span) }], 0);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new ParseResult([], [], 0);
            }

            string? objectName;
            try
            {
                objectName = ReadString(root, "object");
            }
            catch (InvalidOperationException)
            {
                // System.Text.Json throws this for text it cannot decode (a lone surrogate escape such as "\ud800").
                objectName = null;
            }

            var platform = PlatformOf(objectName);
            if (platform is null)
            {
                return new ParseResult([], [], 0);
            }

            var batch = new ParseBatch(objectName!, platform.Value);
            try
            {
                ReadEntries(batch, root);
            }
            catch (InvalidOperationException ex)
            {
                batch.Reject(root, "payload could not be read: " + ex.Message);
            }

            return batch.ToResult();
        }
    }

    private static void ReadEntries(ParseBatch batch, JsonElement root)
    {
        if (!TryGetPresent(root, "entry", out var entries))
        {
            return;
        }

        if (entries.ValueKind != JsonValueKind.Array)
        {
            batch.Reject(entries, "entry must be an array, got " + KindName(entries.ValueKind));
            return;
        }

        foreach (var entry in entries.EnumerateArray())
        {
            try
            {
                ReadEntry(batch, entry);
            }
            catch (InvalidOperationException ex)
            {
                batch.Reject(entry, "entry could not be read: " + ex.Message);
            }
        }
    }

    private static void ReadEntry(ParseBatch batch, JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            batch.Reject(entry, "entry must be an object, got " + KindName(entry.ValueKind));
            return;
        }

        var entryId = ReadId(entry, "id");
        entry.TryGetProperty("time", out var entryTime);

        // Walk the entry's own properties so messaging[] and standby[] keep their document order.
        foreach (var property in entry.EnumerateObject())
        {
            var value = property.Value;
            if (batch.Platform == Platform.WhatsApp)
            {
                if (property.NameEquals("changes"))
                {
                    ReadEvents(batch, value, "entry.changes", entryId, entryTime, EventChannel.Messaging);
                }
            }
            else if (property.NameEquals("messaging"))
            {
                ReadEvents(batch, value, "entry.messaging", entryId, entryTime, EventChannel.Messaging);
            }
            else if (property.NameEquals("standby"))
            {
                ReadEvents(batch, value, "entry.standby", entryId, entryTime, EventChannel.Standby);
            }
            else if (property.NameEquals("changes") && value.ValueKind == JsonValueKind.Array)
            {
                // Comments, mentions and other feed changes: not conversations.
                batch.Ignored += value.GetArrayLength();
            }
        }
    }

    private static void ReadEvents(ParseBatch batch, JsonElement array, string path, string? entryId, JsonElement entryTime, EventChannel channel)
    {
        if (array.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            batch.Reject(array, $"{path} must be an array, got {KindName(array.ValueKind)}", entryId);
            return;
        }

        foreach (var item in array.EnumerateArray())
        {
            try
            {
                if (batch.Platform == Platform.WhatsApp)
                {
                    WhatsAppChangeParser.Read(batch, item, entryTime);
                }
                else
                {
                    MessagingEventParser.Read(batch, item, channel, entryId, entryTime);
                }
            }
            catch (InvalidOperationException ex)
            {
                batch.Reject(item, "event could not be read: " + ex.Message, entryId);
            }
        }
    }
}
