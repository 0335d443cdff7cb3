using System.Text.Json;
using System.Text.Json.Serialization;
using ReferralStudio.Referrals;

namespace ReferralStudio.Outbound;

/// <summary>
/// The one normalized body every platform's events are sent as:
/// <c>{ id, type, timestamp, data: { platform, account, conversation, sender, referral, trigger, ... } }</c>.
/// </summary>
public sealed record OutboundEvent(string Id, string Type, DateTimeOffset Timestamp, OutboundEventData Data)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Time-ordered ids (UUIDv7), so receivers can sort and de-duplicate by <c>webhook-id</c>.</summary>
    public static string NewId() => "evt_" + Guid.CreateVersion7().ToString("N");

    public string Serialize() => JsonSerializer.Serialize(this, OutboundJson.Default.OutboundEvent);

    /// <summary>
    /// The same JSON as <see cref="Serialize"/>, as UTF-8 into <paramref name="writer"/> (made with
    /// <see cref="WriterOptions"/>): the hot path writes it once per event into a reused buffer.
    /// </summary>
    public void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, OutboundJson.Default.OutboundEvent);

    /// <summary>The writer settings <see cref="Serialize"/> uses (no indentation, the default encoder).</summary>
    public static JsonWriterOptions WriterOptions => new() { Encoder = Json.Encoder, Indented = Json.WriteIndented, SkipValidation = true };
}

/// <summary>
/// Source-generated serialization for the outbound body, with the same settings as <see cref="OutboundEvent.Json"/>
/// (web defaults: camelCase, nulls written unless a property says otherwise) and so the same bytes, without reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OutboundEvent))]
internal sealed partial class OutboundJson : JsonSerializerContext;

public sealed record OutboundEventData(
    string Platform,
    AccountRef Account,
    ConversationRef Conversation,
    SenderRef Sender,
    ReferralDto? Referral,
    TriggerRef? Trigger)
{
    /// <summary>
    /// WhatsApp only: who the conversation is with, by its stable id, with the phone, BSUID, parent BSUID and username
    /// (elsewhere <see cref="Sender"/> says all there is).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ParticipantDto? Participant { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public MessageRef? Message { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ConversionRef? Conversion { get; init; }

    /// <summary>
    /// True for a conversation the simulator started or the demo data holds, so integrators can leave it out of
    /// anything real; absent otherwise, which keeps real events' bodies as they were.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool Simulated { get; init; }
}

public sealed record AccountRef(string Id);

public sealed record ConversationRef(long Id, DateTimeOffset CreatedAt, DateTimeOffset? WindowExpiresAt);

public sealed record SenderRef(string Id, string? Name);

/// <summary>The trigger that fired: what each <c>*</c> matched and the tags it added.</summary>
public sealed record TriggerRef(long Id, string Name, string Pattern, IReadOnlyList<string> Captures, IReadOnlyList<string> Tags);

public sealed record MessageRef(string? Id, string? Text, DateTimeOffset OccurredAt);

public sealed record ConversionRef(
    long Id,
    string Type,
    double? Value,
    string? Currency,
    DateTimeOffset OccurredAt,
    string ExternalId,
    ReferralDto? FirstTouch,
    ReferralDto? LastTouch);
