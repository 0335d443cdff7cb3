using Microsoft.AspNetCore.Http.HttpResults;
using ReferralStudio.Api;
using ReferralStudio.Data;

namespace ReferralStudio.Conversions;

/// <summary>One row of campaign analytics: a trigger, or one code (or ad) under it.</summary>
public sealed record CampaignRowDto(
    long? TriggerId,
    string? TriggerName,
    string? Ref,
    string? AdId,
    int Conversations,
    int ConvertedConversations,
    int Conversions,
    double ConversionValue,
    double ConversionRate);

public sealed record CampaignReportDto(
    string Model,
    DateTimeOffset? Since,
    DateTimeOffset? Until,
    IReadOnlyList<CampaignRowDto> ByTrigger,
    IReadOnlyList<CampaignRowDto> ByRef);

/// <summary>
/// Campaign analytics under one attribution model. A conversation belongs to its first (or latest)
/// campaign touch, counted when that touch falls in the range; conversions count when they occurred in
/// the range and are credited to the touch the model names; the rate is the share of those
/// conversations with at least one conversion credited to their touch.
/// </summary>
public static class CampaignsApi
{
    public static RouteGroupBuilder MapCampaignsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/campaigns", GetAsync).WithTags("Campaigns").WithName("GetCampaigns")
            .WithSummary("Campaign analytics per trigger and per ref code under one attribution model");
        return api;
    }

    internal static async Task<Results<Ok<CampaignReportDto>, ValidationProblem>> GetAsync(
        AppDbContext db, CampaignKeyCache keys, string? since, string? until, string? model, CancellationToken cancellationToken)
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

        var report = await CampaignReport.RunAsync(db, keys, chosen == "first", from, to, cancellationToken);
        return TypedResults.Ok(report with { Since = from, Until = to });
    }
}
