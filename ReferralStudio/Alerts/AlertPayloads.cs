using System.Text.Json;
using System.Text.Json.Serialization;
using ReferralStudio.Outbound;

namespace ReferralStudio.Alerts;

/// <summary>
/// The body of a <c>system.alert</c> event: the envelope of every outbound event (<c>id, type, timestamp, data</c>) with
/// <c>data.platform</c> and <c>data.account</c> as elsewhere, and <c>data.alert</c>. Alerts count real data only, so there
/// is never a <c>data.simulated</c>.
/// </summary>
public sealed record AlertEvent(string Id, string Type, DateTimeOffset Timestamp, AlertEventData Data)
{
    public static AlertEvent Of(SilenceAlert alert, string status, DateTimeOffset at, string? handle) => new(
        OutboundEvent.NewId(),
        EventTypes.SystemAlert,
        at,
        new AlertEventData(alert.Platform, new AlertAccountRef(alert.AccountId, handle), AlertDto.Of(alert, status, status == AlertStatus.Resolved ? at : null, handle)));

    public string Serialize() => JsonSerializer.Serialize(this, AlertJson.Default.AlertEvent);

    /// <summary>Null for a body that is not one (a payload emptied or edited by hand).</summary>
    public static AlertEvent? TryParse(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize(payload, AlertJson.Default.AlertEvent);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed record AlertEventData(string Platform, AlertAccountRef Account, AlertDto Alert);

/// <summary>The account, with the handle from the accounts page when there is one.</summary>
public sealed record AlertAccountRef(string Id, string? Handle);

public static class AlertStatus
{
    public const string Raised = "raised";
    public const string Resolved = "resolved";
}

/// <summary>An alert as the API lists it and <c>system.alert</c> carries it.</summary>
public sealed record AlertDto(
    string Id,
    string Kind,
    string Status,
    string Platform,
    AlertAccountRef Account,
    DateTimeOffset Since,
    DateTimeOffset RaisedAt,
    DateTimeOffset? ResolvedAt,
    int Baseline,
    string Summary,
    IReadOnlyList<string> LikelyCauses)
{
    public static AlertDto Of(SilenceAlert alert, string status, DateTimeOffset? resolvedAt, string? handle) => new(
        alert.Id, alert.Kind, status, alert.Platform, new AlertAccountRef(alert.AccountId, handle), alert.Since, alert.RaisedAt, resolvedAt,
        alert.Baseline, alert.Summary(handle), alert.LikelyCauses);
}

/// <summary>Source-generated, with the web defaults every outbound body uses (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AlertEvent))]
internal sealed partial class AlertJson : JsonSerializerContext;
