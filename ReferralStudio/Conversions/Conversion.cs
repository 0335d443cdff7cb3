namespace ReferralStudio.Conversions;

/// <summary>
/// A business outcome (signup, purchase) in a conversation, credited to the first and to the last
/// campaign touch before it happened.
/// </summary>
public sealed class Conversion
{
    public long Id { get; set; }
    public long ConversationId { get; set; }
    public string Type { get; set; } = "";
    /// <summary>A double, not decimal: SQLite cannot sum decimals in SQL, and analytics need sums.</summary>
    public double? Value { get; set; }
    public string? Currency { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    /// <summary>The caller's id for the conversion; repeating it returns the first record.</summary>
    public string ExternalId { get; set; } = "";
    public long? FirstTouchId { get; set; }
    public long? LastTouchId { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}
