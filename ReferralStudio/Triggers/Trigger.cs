namespace ReferralStudio.Triggers;

/// <summary>When a trigger with a greeting fires, when the greeting goes out.</summary>
public enum GreetingMode
{
    /// <summary>Wait until the person has written (or tapped an ice breaker / Get Started): the conservative choice.</summary>
    AfterFirstMessage = 0,
    /// <summary>Send as soon as the referral arrives, while the window it opened lasts.</summary>
    Immediate = 1,
}

/// <summary>An exact ref code or a wildcard pattern, and what happens when a referral matches it.</summary>
public sealed class Trigger
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>A ref code (<c>summer_sale</c>) or a pattern with <c>*</c> wildcards (<c>collab_*</c>).</summary>
    public string Pattern { get; set; } = "";
    /// <summary>Lower-case platform names; empty means all three.</summary>
    public List<string> Platforms { get; set; } = [];
    /// <summary>Ad ids (Messenger/Instagram <c>ad_id</c>, WhatsApp <c>source_id</c>) matched when an ad referral has no ref.</summary>
    public List<string> AdIds { get; set; } = [];
    public int Priority { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>Labels added to the conversation, e.g. <c>campaign:summer</c> or <c>affiliate:{1}</c>.</summary>
    public List<string> Tags { get; set; } = [];
    public string? GreetingText { get; set; }
    public GreetingMode GreetingMode { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Created by the demo data loader: clearing the demo removes it, and never a user's trigger of the same name.</summary>
    public bool IsDemo { get; set; }
}

/// <summary>One trigger firing for one referral touch: automations run once per touch.</summary>
public sealed class TriggerFiring
{
    public long Id { get; set; }
    public long TriggerId { get; set; }
    public long ConversationId { get; set; }
    public long ReferralTouchId { get; set; }
    /// <summary>What each <c>*</c> matched, in order.</summary>
    public List<string> Captures { get; set; } = [];
    public DateTimeOffset FiredAt { get; set; }
}

/// <summary>A label on a conversation, added by a trigger's tag action.</summary>
public sealed class ConversationTag
{
    public long ConversationId { get; set; }
    public string Label { get; set; } = "";
    public long? TriggerId { get; set; }
    public DateTimeOffset AddedAt { get; set; }
}
