using Microsoft.AspNetCore.Http.HttpResults;

namespace ReferralStudio.Alerts;

/// <summary>The open silence alerts, oldest silence first.</summary>
public sealed record AlertListDto(IReadOnlyList<AlertDto> Items);

public static class AlertsApi
{
    public static RouteGroupBuilder MapAlertsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/alerts", List).WithTags("Alerts").WithName("ListAlerts")
            .WithSummary("List open silence alerts: accounts that went quiet, with the likely causes");
        return api;
    }

    /// <summary>What the dashboard's overview shows: each open alert as its <c>system.alert</c> event carries it.</summary>
    internal static Ok<AlertListDto> List(AlertBoard board) => TypedResults.Ok(new AlertListDto(board.Open));
}
