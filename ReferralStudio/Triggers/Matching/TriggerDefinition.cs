namespace ReferralStudio.Triggers.Matching;

/// <summary>
/// What the matcher needs to know about one enabled trigger. <see cref="Pattern"/> is an exact ref code or a
/// glob where <c>*</c> matches any run of characters; <see cref="Platforms"/> empty means all three;
/// <see cref="AdIds"/> lets a referral without a ref (a click-to-message ad) match by the ad it came from.
/// </summary>
public sealed record TriggerDefinition(
    long Id,
    string Name,
    string Pattern,
    IReadOnlyList<string> Platforms,
    IReadOnlyList<string> AdIds,
    int Priority,
    DateTimeOffset CreatedAt);
