using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReferralStudio.Referrals;

/// <summary>
/// The platform extras Meta sends with a referral, beside the ref, source, type and ad id that attribution works on.
/// One definition for the parsed referral (<c>ParsedReferral</c> derives from it), the touch's columns (an EF Core
/// complex type whose columns are named after the properties), the API's and the outbound events' referral
/// (<c>ReferralDto</c> derives from it) and the hot path's SQL (<c>ReferralDetailsColumns</c>). A new Meta field is a
/// property here, its line in <c>ReferralDetailsColumns</c>, its reading in the parser and a migration.
/// </summary>
/// <remarks>
/// In JSON each extra appears only when Meta sent it, after the referral's own fields (order 1) and before the
/// trigger (order 2), in the order declared here.
/// </remarks>
public record ReferralDetails
{
    /// <summary>Meta's <c>ads_context_data</c> object as its raw JSON text; in JSON, the object it is.</summary>
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonConverter(typeof(RawJsonConverter))]
    public string? AdsContextData { get; init; }

    /// <summary>Click-to-WhatsApp click id.</summary>
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CtwaClid { get; init; }
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SourceId { get; init; }
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SourceType { get; init; }
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SourceUrl { get; init; }
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Headline { get; init; }
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Body { get; init; }
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? MediaType { get; init; }
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ImageUrl { get; init; }
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? VideoUrl { get; init; }
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ThumbnailUrl { get; init; }
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? RefererUri { get; init; }
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ProductId { get; init; }

    /// <summary>The postback payload, when the referral arrived inside a postback.</summary>
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Payload { get; init; }
}

/// <summary>
/// A nested Meta object kept as its raw JSON text, written as the JSON it is (re-written compactly, as a parsed
/// element would be); text that is not JSON is written as a string. Read back as raw text.
/// </summary>
public sealed class RawJsonConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.ValueKind == JsonValueKind.String ? document.RootElement.GetString() : document.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(value);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(value);
            return;
        }

        using (document)
        {
            document.RootElement.WriteTo(writer);
        }
    }
}
