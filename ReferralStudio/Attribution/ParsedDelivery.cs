using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Attribution;

/// <summary>A stored delivery with its parsed content, ready to be applied.</summary>
public sealed record ParsedDelivery(long Id, DateTimeOffset ReceivedAt, ParseResult Result, bool Simulated = false);

/// <summary>What one delivery contributed once applied (its outcome's counts).</summary>
public readonly record struct DeliveryCounts(int Accepted, int Duplicates, int Rejected, int Ignored);
