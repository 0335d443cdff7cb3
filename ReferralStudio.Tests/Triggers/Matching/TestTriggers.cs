using ReferralStudio.Triggers.Matching;

namespace ReferralStudio.Tests.Triggers.Matching;

/// <summary>Short trigger construction for tests. By default a lower id is also an older trigger.</summary>
internal static class TestTriggers
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TriggerDefinition Trigger(
        long id,
        string pattern,
        int priority = 0,
        string[]? platforms = null,
        string[]? adIds = null,
        DateTimeOffset? createdAt = null) =>
        new(id, $"T{id}", pattern, platforms ?? [], adIds ?? [], priority, createdAt ?? Epoch.AddMinutes(id));
}
