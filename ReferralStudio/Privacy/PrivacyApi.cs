using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ReferralStudio.Auth;

namespace ReferralStudio.Privacy;

/// <summary>
/// A person's data through one of their conversations: <c>GET /api/conversations/{id}/export</c> (Art. 15) and
/// <c>DELETE /api/conversations/{id}/personal-data</c> (Art. 17); the dashboard's timeline downloads the same export from
/// <c>/conversations/{id}/personal-data.json</c> under its sign-in.
/// </summary>
public static class PrivacyApi
{
    public const string DownloadPath = "/conversations/{id:long}/personal-data.json";

    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static RouteGroupBuilder MapPrivacyApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/conversations").WithTags("Privacy");
        group.MapGet("/{id:long}/export", ExportAsync).WithName("ExportPersonalData")
            .WithSummary("Export everything stored about a conversation's participant")
            .WithDescription("The conversation, the participant's other ids, touches, events with message texts, identity events, tags, "
                + "trigger firings, greetings, conversions, outbound deliveries about it and the raw Meta deliveries that carried its events "
                + "(other people's events in the same batch left out; bodies that are not JSON as base64).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:long}/personal-data", EraseAsync).WithName("ErasePersonalData")
            .WithSummary("Erase a conversation's participant: every row about them, their raw deliveries' bodies and their share of the analytics")
            .WithDescription("Irreversible. Answers what was removed per table. A later message from the same person starts a new conversation.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>The timeline's download, under the dashboard's sign-in.</summary>
    public static IEndpointRouteBuilder MapPersonalDataDownload(this IEndpointRouteBuilder app)
    {
        app.MapGet(DownloadPath, DownloadAsync).RequireAuthorization(StudioRoles.Policies.Administer).ExcludeFromDescription();
        return app;
    }

    /// <summary>Where the timeline of conversation <paramref name="id"/> downloads its participant's data.</summary>
    public static string DownloadHref(long id) => $"conversations/{id}/personal-data.json";

    internal static async Task<Results<Ok<PersonalDataExport>, ProblemHttpResult>> ExportAsync(long id, PersonalData data, CancellationToken cancellationToken) =>
        await data.ExportAsync(id, cancellationToken) is { } export ? TypedResults.Ok(export) : NotFound(id);

    internal static async Task<Results<Ok<ErasureResult>, ProblemHttpResult>> EraseAsync(long id, PersonalData data, CancellationToken cancellationToken) =>
        await data.EraseAsync(id, cancellationToken) is { } result ? TypedResults.Ok(result) : NotFound(id);

    private static async Task<IResult> DownloadAsync(long id, HttpContext context, PersonalData data, TimeProvider time)
    {
        if (await data.ExportAsync(id, context.RequestAborted) is not { } export)
        {
            return NotFound(id);
        }

        context.Response.Headers.ContentDisposition = $"attachment; filename=\"personal-data-conversation-{id}-{time.GetUtcNow():yyyyMMdd-HHmmss}.json\"";
        return TypedResults.Json(export, Indented, "application/json; charset=utf-8");
    }

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Conversation not found", detail: $"There is no conversation {id}.");
}
