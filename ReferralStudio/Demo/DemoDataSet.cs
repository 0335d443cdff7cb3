namespace ReferralStudio.Demo;

/// <summary>A trigger to create with the demo data. <see cref="Platforms"/> empty means all three.</summary>
public sealed record DemoTrigger(string Name, string Pattern, IReadOnlyList<string> Platforms, IReadOnlyList<string> Tags, string? GreetingText);

/// <summary>One webhook delivery: <see cref="Body"/> is the JSON text Meta would POST for <see cref="Object"/>.</summary>
public sealed record DemoDelivery(string Object, string Body, DateTimeOffset ReceivedAt);

/// <summary>A conversion to post back for a demo participant, after that conversation's first touch.</summary>
public sealed record DemoConversion(string Platform, string AccountId, string ParticipantId, string Type, double Value, string Currency, DateTimeOffset OccurredAt, string ExternalId);

/// <summary>Everything the demo needs: triggers to create, deliveries to feed through the inbox, conversions to post.</summary>
public sealed record DemoDataSet(IReadOnlyList<DemoTrigger> Triggers, IReadOnlyList<DemoDelivery> Deliveries, IReadOnlyList<DemoConversion> Conversions, IReadOnlyList<DemoAccount> Accounts);

/// <summary>A business account the demo data talks to; <see cref="AccountId"/> starts with <see cref="DemoDataGenerator.AccountPrefix"/>.</summary>
public sealed record DemoAccount(string Platform, string AccountId, string Handle);
