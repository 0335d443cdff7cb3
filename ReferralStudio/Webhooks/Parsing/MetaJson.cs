using System.Globalization;
using System.Text.Json;

namespace ReferralStudio.Webhooks.Parsing;

/// <summary>Tolerant readers for the JSON shapes Meta sends: explicit nulls, ids as strings or numbers, epoch times in seconds or milliseconds.</summary>
internal static class MetaJson
{
    // Below this an epoch value is seconds (year 5138 at the limit); at or above it, milliseconds (1973 onwards).
    private const long MillisecondsThreshold = 100_000_000_000;
    private const long MaxEpochMilliseconds = 253_402_300_799_999; // DateTimeOffset.MaxValue

    /// <summary>The event's own timestamp, else <c>entry.time</c>; returns a reason when neither is usable.</summary>
    public static string? ReadTimestamp(JsonElement owner, JsonElement entryTime, out long milliseconds)
    {
        if (TryGetPresent(owner, "timestamp", out var timestamp))
        {
            return ToEpochMilliseconds(timestamp, "timestamp", out milliseconds);
        }

        if (entryTime.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            return ToEpochMilliseconds(entryTime, "entry.time", out milliseconds);
        }

        milliseconds = 0;
        return "timestamp is missing";
    }

    // Meta sends integer milliseconds in messaging[] but string seconds on WhatsApp and in some postback docs.
    private static string? ToEpochMilliseconds(JsonElement value, string name, out long milliseconds)
    {
        milliseconds = 0;
        long raw;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (!value.TryGetInt64(out raw))
                {
                    // Tolerate 1.458692752478E12 from re-serializers, but not fractions.
                    if (!value.TryGetDouble(out var d) || d != Math.Floor(d) || d < 0 || d > MaxEpochMilliseconds)
                    {
                        return $"{name} {Shorten(value.GetRawText())} is not a whole number in range";
                    }

                    raw = (long)d;
                }

                break;
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out raw))
                {
                    return $"{name} \"{Shorten(text)}\" is not a whole number";
                }

                break;
            default:
                return $"{name} must be a number or a string, got {KindName(value.ValueKind)}";
        }

        if (raw < 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{name} {raw} is negative");
        }

        milliseconds = raw < MillisecondsThreshold ? raw * 1000 : raw;
        if (milliseconds > MaxEpochMilliseconds)
        {
            milliseconds = 0;
            return string.Create(CultureInfo.InvariantCulture, $"{name} {raw} is out of range");
        }

        return null;
    }

    /// <summary>True when the property exists and is not JSON null (Meta sometimes sends explicit nulls).</summary>
    public static bool TryGetPresent(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    public static string? ReadString(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>Ids are strings in every Meta example; numbers are accepted as their JSON text, empty strings count as missing.</summary>
    public static string? ReadId(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String when value.GetString() is { Length: > 0 } id => id,
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }

    /// <summary><see cref="ReadId"/> compared with <paramref name="id"/>, without allocating the id for string values.</summary>
    public static bool IdEquals(JsonElement obj, string name, string? id) =>
        id is not null && obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value)
        && (value.ValueKind == JsonValueKind.String ? value.ValueEquals(id) : ReadId(obj, name) == id);

    public static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True or JsonValueKind.False => "Boolean",
        _ => kind.ToString(),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}
