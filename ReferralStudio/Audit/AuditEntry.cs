namespace ReferralStudio.Audit;

/// <summary>
/// One change to configuration: who made it, when, and what it changed. No foreign key to the changed row, so the
/// entry outlives it: the entity's id and name are copied in. Secrets never reach it (see <see cref="AuditSnapshot"/>).
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    /// <summary><c>user</c>, <c>api key</c> or <c>system</c> (<see cref="AuditActor"/>).</summary>
    public string ActorKind { get; set; } = "";
    /// <summary>The user's id, or null (an API key and the app itself are named, not numbered).</summary>
    public string? ActorId { get; set; }
    /// <summary>The user's email, the API key's name, or <c>system</c>.</summary>
    public string Actor { get; set; } = "";
    /// <summary>What happened, <c>entity.verb</c>: <c>trigger.created</c>, <c>account.token_set</c>, ...</summary>
    public string Action { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string EntityId { get; set; } = "";
    /// <summary>The entity's name when the change was made.</summary>
    public string EntityName { get; set; } = "";
    public string Summary { get; set; } = "";
    /// <summary>The changed fields before the change, as a JSON object; null for a creation.</summary>
    public string? Before { get; set; }
    /// <summary>The changed fields after the change, as a JSON object; null for a deletion.</summary>
    public string? After { get; set; }
}
