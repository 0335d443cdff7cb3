namespace ReferralStudio.Demo;

/// <summary>What clearing the demo would remove (or did): for a confirmation such as "Remove 3,000 conversations, ...?".</summary>
/// <param name="Conversations">Conversations on the demo accounts; their touches, messages, tags, firings and deliveries go with them.</param>
/// <param name="Conversions">Conversions recorded on those conversations.</param>
/// <param name="Triggers">Triggers the demo created (a user's trigger of the same name is not one of them).</param>
/// <param name="Accounts">Business accounts the demo created.</param>
public sealed record DemoSummary(int Conversations, int Conversions, int Triggers, int Accounts)
{
    public static DemoSummary None { get; } = new(0, 0, 0, 0);

    public bool IsEmpty => this == None;
}

/// <summary>A load that ran (<see cref="Refusal"/> null) and what it fed in, or why it did not start.</summary>
public sealed record DemoLoadResult(string? Refusal, int Conversations, int Deliveries, int Conversions)
{
    public bool Loaded => Refusal is null;

    internal static DemoLoadResult Refused(string reason) => new(reason, 0, 0, 0);
}

/// <summary>A clear that ran (<see cref="Refusal"/> null) and what it removed, or why it did not start.</summary>
public sealed record DemoClearResult(string? Refusal, DemoSummary Removed)
{
    public bool Cleared => Refusal is null;

    internal static DemoClearResult Refused(string reason) => new(reason, DemoSummary.None);
}
