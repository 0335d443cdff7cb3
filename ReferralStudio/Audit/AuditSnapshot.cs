using System.Text.Json;
using System.Text.Json.Nodes;
using ReferralStudio.Accounts;
using ReferralStudio.Outbound;
using ReferralStudio.Security;
using ReferralStudio.Triggers;

namespace ReferralStudio.Audit;

/// <summary>
/// The audited fields of one entity at one moment. A secret is held only to tell whether it changed; what is
/// written is a word (<c>set</c>, <c>changed</c>, <c>removed</c>), never the value, not even encrypted.
/// </summary>
public sealed class AuditSnapshot(string entityType, string entityId, string name)
{
    private readonly List<(string Name, JsonNode? Value)> _fields = [];
    private readonly List<(string Name, string? Stored)> _secrets = [];

    public string EntityType { get; } = entityType;
    public string EntityId { get; } = entityId;
    public string Name { get; } = name;

    public AuditSnapshot Field<T>(string field, T value)
    {
        _fields.Add((field, JsonSerializer.SerializeToNode(value, AuditJson.Options)));
        return this;
    }

    public AuditSnapshot Secret(string field, string? stored)
    {
        _secrets.Add((field, string.IsNullOrEmpty(stored) ? null : stored));
        return this;
    }

    public static AuditSnapshot Of(Trigger t) => new AuditSnapshot(AuditActions.Trigger, Id(t.Id), t.Name)
        .Field("name", t.Name)
        .Field("pattern", t.Pattern)
        .Field("platforms", t.Platforms)
        .Field("adIds", t.AdIds)
        .Field("priority", t.Priority)
        .Field("enabled", t.Enabled)
        .Field("tags", t.Tags)
        .Field("greetingText", t.GreetingText)
        .Field("greetingMode", GreetingModes.Name(t.GreetingMode));

    public static AuditSnapshot Of(BusinessAccount a) => new AuditSnapshot(AuditActions.Account, Id(a.Id), $"{a.Platform} {a.Handle}")
        .Field("platform", a.Platform)
        .Field("handle", a.Handle)
        .Field("accountId", a.AccountId)
        .Field("conversionsDatasetId", a.ConversionsDatasetId)
        .Field("whatsAppBusinessAccountId", a.WhatsAppBusinessAccountId)
        .Secret("accessToken", a.AccessToken)
        .Secret("conversionsToken", a.ConversionsToken);

    /// <summary>A trackable link: where its printed code leads and whether it redirects.</summary>
    public static AuditSnapshot Of(Links.Trackable.TrackableLink l) => new AuditSnapshot(AuditActions.Link, Id(l.Id), $"/go/{l.Slug}")
        .Field("platform", l.Platform)
        .Field("account", l.Account)
        .Field("code", l.Code)
        .Field("whatsAppTemplate", l.WhatsAppTemplate)
        .Field("enabled", l.Enabled);

    public static AuditSnapshot Of(WebhookSubscription s) => new AuditSnapshot(AuditActions.Subscription, Id(s.Id), s.Url)
        .Field("url", s.Url)
        .Field("events", s.Events)
        .Field("enabled", s.Enabled)
        .Field("disabledReason", s.DisabledReason)
        .Secret("secret", s.Secret);

    /// <summary>A team member: who, their role and standing; never a password hash, stamp or invitation token.</summary>
    public static AuditSnapshot Of(Auth.TeamMemberState m) => new AuditSnapshot(AuditActions.User, Id(m.Id), m.Email)
        .Field("email", m.Email)
        .Field("role", m.Role)
        .Field("status", m.Status)
        .Field("invitationExpires", m.InvitationExpires?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture))
        .Field("twoStep", m.TwoStep);

    /// <summary>The team's sign-in rules.</summary>
    public static AuditSnapshot Of(Auth.TeamSettings t) => new AuditSnapshot(AuditActions.TeamSettings, Id(t.Id), "sign-in rules")
        .Field("requireTwoStep", t.RequireTwoStep);

    /// <summary>An API key: its name, scope and visible prefix; never the key or its hash.</summary>
    public static AuditSnapshot Of(Api.ApiKey k) => new AuditSnapshot(AuditActions.ApiKey, Id(k.Id), k.Name)
        .Field("name", k.Name)
        .Field("scope", k.Scope)
        .Field("prefix", k.Prefix)
        .Field("revoked", k.RevokedAt is not null);

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The fields that differ, each side as a JSON object: all of them for a creation (no before) or a deletion
    /// (no after). Null when nothing audited changed.
    /// </summary>
    public static AuditChanges? Compare(AuditSnapshot? before, AuditSnapshot? after)
    {
        var beforeJson = before is null ? null : new JsonObject();
        var afterJson = after is null ? null : new JsonObject();
        var changed = new List<string>();
        var names = (before ?? after)!._fields.Select(f => f.Name);
        foreach (var name in names)
        {
            var old = before?._fields.First(f => f.Name == name).Value;
            var now = after?._fields.First(f => f.Name == name).Value;
            if (before is not null && after is not null && JsonNode.DeepEquals(old, now))
            {
                continue;
            }

            changed.Add(name);
            beforeJson?.Add(name, old?.DeepClone());
            afterJson?.Add(name, now?.DeepClone());
        }

        foreach (var name in (before ?? after)!._secrets.Select(s => s.Name))
        {
            var old = before?._secrets.First(s => s.Name == name).Stored;
            var now = after?._secrets.First(s => s.Name == name).Stored;
            if (before is not null && after is not null && SameSecret(old, now))
            {
                continue;
            }

            changed.Add(name);
            beforeJson?.Add(name, old is null ? null : "set");
            afterJson?.Add(name, (old, now) switch
            {
                (_, null) => before is null ? null : "removed",
                (null, _) => "set",
                _ => "changed",
            });
        }

        return changed.Count == 0 && before is not null && after is not null
            ? null
            : new AuditChanges(changed, beforeJson?.ToJsonString(AuditJson.Options), afterJson?.ToJsonString(AuditJson.Options));
    }

    private static bool SameSecret(string? a, string? b) =>
        a is null || b is null ? a is null && b is null : Secrets.FixedTimeEquals(a, b);
}

/// <summary>What a change changed: the fields' names and their values before and after, as JSON.</summary>
public sealed record AuditChanges(IReadOnlyList<string> Fields, string? Before, string? After);

internal static class AuditJson
{
    // Readable in the page and the CSV: names and text as typed, not \u-escaped.
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
