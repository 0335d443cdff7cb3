using Microsoft.AspNetCore.Http.HttpResults;
using ReferralStudio.Api;
using ReferralStudio.Data;

namespace ReferralStudio.Conversions;

/// <summary>
/// One row of campaign analytics: a trigger, or one code (or ad) under it, and its funnel: <see cref="Scans"/> of
/// trackable links that led to the code, <see cref="Conversations"/> started (credited to it under the model), all
/// campaign <see cref="Touches"/> through the code's links (null on an ad's row: touches are counted per code, not
/// per ad), and the conversions credited to it with their value.
/// </summary>
public sealed record CampaignRowDto(
    long? TriggerId,
    string? TriggerName,
    string? Ref,
    string? AdId,
    int Conversations,
    int ConvertedConversations,
    int Conversions,
    double ConversionValue,
    double ConversionRate,
    long Scans,
    int? Touches,
    double? ConversationsPerScan);

public sealed record CampaignReportDto(
    string Model,
    DateTimeOffset? Since,
    DateTimeOffset? Until,
    IReadOnlyList<CampaignRowDto> ByTrigger,
    IReadOnlyList<CampaignRowDto> ByRef);

/// <summary>
/// Campaign analytics under one attribution model, as a funnel per trigger and per code: scans of trackable links that
/// led to the code (counted per business day: whole days the range touches), conversations (each belongs to its first or
/// latest campaign touch, counted when that touch falls in the range), campaign touches in the range, and conversions
/// that occurred in the range credited to the touch the model names. The conversion rate is the share of those
/// conversations with at least one conversion credited to their touch; conversations per scan is null without scans.
/// </summary>
public static class CampaignsApi
{
    public static RouteGroupBuilder MapCampaignsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/campaigns", GetAsync).WithTags("Campaigns").WithName("GetCampaigns")
            .WithSummary("Campaign funnel per trigger and per ref code under one attribution model: scans, conversations, touches, conversions");
        return api;
    }

    internal static async Task<Results<Ok<CampaignReportDto>, ValidationProblem>> GetAsync(
        AppDbContext db, CampaignCaches caches, CampaignScans scans, string? since, string? until, string? model, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var from = errors.Time("since", since);
        var to = errors.Time("until", until);
        var chosen = (model ?? "first").ToLowerInvariant();
        if (chosen is not ("first" or "last"))
        {
            errors.Add("model", "model must be first or last.");
        }

        if (from is { } f && to is { } t && f > t)
        {
            errors.Add("until", "until must not be before since.");
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        var report = await CampaignReport.RunAsync(db, caches, chosen == "first", from, to, scans.Scope(from, to), cancellationToken);
        return TypedResults.Ok(report with { Since = from, Until = to });
    }
}
