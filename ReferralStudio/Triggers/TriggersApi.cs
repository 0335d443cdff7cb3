using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Api;
using ReferralStudio.Audit;
using ReferralStudio.Data;
using ReferralStudio.Platforms;
using ReferralStudio.Triggers.Matching;

namespace ReferralStudio.Triggers;

// Defaults make the fields optional in the OpenAPI document; [Required] marks the ones TriggerDraft insists on.
public sealed record GreetingDto(
    string? Text = null,
    [property: Description("after_first_message (the default) or immediate.")] string? Mode = null);

public sealed record TriggerActionsDto(
    [property: Description("Tags to add; {1}, {2}, ... insert what each * matched, {ref} the whole ref.")] IReadOnlyList<string>? Tags = null,
    GreetingDto? Greeting = null);

/// <summary>The body of POST and PUT <c>/api/triggers</c>.</summary>
public sealed record TriggerRequest(
    [property: Required] string? Name,
    [property: Required, Description("A ref code, or a code with * wildcards (collab_*).")] string? Pattern,
    [property: Description("instagram, messenger, whatsapp; none for all three.")] IReadOnlyList<string>? Platforms = null,
    [property: Description("Ad ids, digits only (Messenger/Instagram ad_id, WhatsApp source_id).")] IReadOnlyList<string>? AdIds = null,
    [property: Description("A whole number from -1000 to 1000 (default 0); breaks ties between patterns with as many literal characters.")] int? Priority = null,
    [property: Description("Default true.")] bool? Enabled = null,
    TriggerActionsDto? Actions = null);

public sealed record TriggerStatsDto(int Conversations, int Conversions);

public sealed record TriggerDto(
    long Id,
    string Name,
    string Pattern,
    bool IsPattern,
    IReadOnlyList<string> Platforms,
    IReadOnlyList<string> AdIds,
    int Priority,
    bool Enabled,
    TriggerActionsDto Actions,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    TriggerStatsDto Stats,
    IReadOnlyList<string> Warnings);

public sealed record MatchCandidateDto(long TriggerId, string Name, string Pattern, string Kind, IReadOnlyList<string> Captures, bool Wins, string Reason);

public sealed record MatchResultDto(
    string? Ref,
    string? Platform,
    string? AdId,
    MatchCandidateDto? Winner,
    IReadOnlyList<MatchCandidateDto> Candidates,
    IReadOnlyList<MatchCandidateDto> Excluded,
    string? Note,
    string Rule);

public static class TriggersApi
{
    /// <summary>The precedence rule, said once so the API, the README and the UI agree.</summary>
    public const string PrecedenceRule =
        "An exact code wins over any pattern; then the pattern with the most literal (non-*) characters; then the higher priority; then the older trigger.";

    public static RouteGroupBuilder MapTriggersApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/triggers").WithTags("Triggers");
        group.MapGet("", ListAsync).WithName("ListTriggers")
            .WithSummary("List triggers with their conversations and conversions so far");
        group.MapGet("/{id:long}", GetAsync).WithName("GetTrigger")
            .WithSummary("Get a trigger")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/match", Match).WithName("MatchTrigger")
            .WithSummary("Show which trigger a ref (or ad id) would fire, and why");
        group.MapPost("", CreateAsync).WithName("CreateTrigger")
            .WithSummary("Create a trigger")
            .AcceptsJson<TriggerRequest>();
        group.MapPut("/{id:long}", UpdateAsync).WithName("UpdateTrigger")
            .WithSummary("Replace a trigger")
            .AcceptsJson<TriggerRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:long}", DeleteAsync).WithName("DeleteTrigger")
            .WithSummary("Delete a trigger")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    internal static async Task<Ok<List<TriggerDto>>> ListAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var triggers = await db.Triggers.AsNoTracking().OrderBy(t => t.Name).ThenBy(t => t.Id).ToListAsync(cancellationToken);
        var stats = await TriggerStats.LoadAsync(db, null, cancellationToken);
        return TypedResults.Ok(triggers.Select(t => ToDto(t, stats.GetValueOrDefault(t.Id, new TriggerStatsDto(0, 0)), [])).ToList());
    }

    internal static async Task<Results<Ok<TriggerDto>, ProblemHttpResult>> GetAsync(long id, AppDbContext db, CancellationToken cancellationToken)
    {
        var trigger = await db.Triggers.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (trigger is null)
        {
            return NotFound(id);
        }

        var stats = await TriggerStats.LoadAsync(db, id, cancellationToken);
        return TypedResults.Ok(ToDto(trigger, stats.GetValueOrDefault(id, new TriggerStatsDto(0, 0)), []));
    }

    /// <summary>Which trigger a ref would fire on a platform, why, and what else matched.</summary>
    internal static Results<Ok<MatchResultDto>, ValidationProblem> Match(TriggerCatalog catalog, string? @ref, string? platform, string? adId)
    {
        var errors = new FieldErrors();
        var platformFilter = errors.Platform("platform", platform);
        errors.Text("adId", adId, TriggerRules.MaxAdIdLength);
        if (string.IsNullOrEmpty(@ref) && string.IsNullOrEmpty(adId))
        {
            errors.Add("ref", "Give a ref (or an adId) to test.");
        }
        else if (!string.IsNullOrEmpty(@ref))
        {
            errors.Check("ref", Webhooks.Parsing.RefValidator.Validate(@ref));
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        var explanation = catalog.Current.Matcher.Explain(platformFilter, string.IsNullOrEmpty(@ref) ? null : @ref, string.IsNullOrEmpty(adId) ? null : adId);
        var candidates = explanation.Candidates.Select(c => new MatchCandidateDto(
            c.Trigger.Id, c.Trigger.Name, c.Trigger.Pattern, KindName(c.Kind), c.Captures, c.Wins, c.Reason)).ToList();
        return TypedResults.Ok(new MatchResultDto(
            @ref, platformFilter, adId,
            candidates.FirstOrDefault(c => c.Wins),
            candidates,
            explanation.Excluded.Select(e => new MatchCandidateDto(e.Trigger.Id, e.Trigger.Name, e.Trigger.Pattern, KindName(e.Kind), [], false, e.Reason)).ToList(),
            explanation.Note,
            PrecedenceRule));
    }

    internal static async Task<Results<Created<TriggerDto>, ValidationProblem>> CreateAsync(
        JsonBody<TriggerRequest> body, TriggerService triggers, IAuditActor actor, CancellationToken cancellationToken)
    {
        if (Unreadable(body) is { } unreadable)
        {
            return unreadable.Problem();
        }

        var result = await triggers.CreateAsync(await actor.CurrentAsync(), body.Value!, cancellationToken);
        if (!result.Saved)
        {
            return result.Errors.Problem();
        }

        return TypedResults.Created($"/api/triggers/{result.Trigger!.Id}", ToDto(result.Trigger, new TriggerStatsDto(0, 0), result.Warnings));
    }

    internal static async Task<Results<Ok<TriggerDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        long id, JsonBody<TriggerRequest> body, TriggerService triggers, IAuditActor actor, AppDbContext db, CancellationToken cancellationToken)
    {
        if (Unreadable(body) is { } unreadable)
        {
            return unreadable.Problem();
        }

        var result = await triggers.UpdateAsync(await actor.CurrentAsync(), id, body.Value!, cancellationToken);
        if (result is null)
        {
            return NotFound(id);
        }

        if (!result.Saved)
        {
            return result.Errors.Problem();
        }

        var stats = await TriggerStats.LoadAsync(db, id, cancellationToken);
        return TypedResults.Ok(ToDto(result.Trigger!, stats.GetValueOrDefault(id, new TriggerStatsDto(0, 0)), result.Warnings));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, TriggerService triggers, IAuditActor actor, CancellationToken cancellationToken) =>
        await triggers.DeleteAsync(await actor.CurrentAsync(), id, cancellationToken) ? TypedResults.NoContent() : NotFound(id);

    // A priority of 3.5 or 99999999999 does not fit the int it is read into; say the rule, not the parser's complaint.
    private static FieldErrors? Unreadable(JsonBody<TriggerRequest> body)
    {
        if (body.Field != "priority")
        {
            return body.Problem();
        }

        var errors = new FieldErrors();
        errors.Add("priority", TriggerRules.PriorityError);
        return errors;
    }

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Trigger not found", detail: $"There is no trigger {id}.");

    private static string KindName(MatchKind kind) => kind switch
    {
        MatchKind.Exact => "exact",
        MatchKind.Pattern => "pattern",
        _ => "adId",
    };

    public static TriggerDto ToDto(Trigger t, TriggerStatsDto stats, IReadOnlyList<string> warnings) => new(
        t.Id, t.Name, t.Pattern, PatternRules.IsPattern(t.Pattern), t.Platforms.Count == 0 ? PlatformNames.All : t.Platforms, t.AdIds,
        t.Priority, t.Enabled,
        new TriggerActionsDto(t.Tags, t.GreetingText is null ? null : new GreetingDto(t.GreetingText, GreetingModes.Name(t.GreetingMode))),
        t.CreatedAt, t.UpdatedAt, stats, warnings);
}

/// <summary>The wire names of <see cref="GreetingMode"/>.</summary>
public static class GreetingModes
{
    public const string Immediate = "immediate";
    public const string AfterFirstMessage = "after_first_message";

    public static string Name(GreetingMode mode) => mode == GreetingMode.Immediate ? Immediate : AfterFirstMessage;

    public static GreetingMode? Parse(string? value) => value?.ToLowerInvariant() switch
    {
        null or "" or AfterFirstMessage => GreetingMode.AfterFirstMessage,
        Immediate => GreetingMode.Immediate,
        _ => null,
    };
}

/// <summary>A validated trigger request, shared by the API and the dashboard's editor.</summary>
public sealed record TriggerDraft(
    string Name, string Pattern, List<string> Platforms, List<string> AdIds, int Priority, bool Enabled,
    List<string> Tags, string? GreetingText, GreetingMode GreetingMode)
{
    public const int MaxNameLength = TriggerRules.MaxNameLength;
    public const int MaxGreetingLength = 1000;

    public static TriggerDraft Validate(TriggerRequest request, FieldErrors errors)
    {
        var name = request.Name?.Trim() ?? "";
        errors.Check("name", TriggerRules.Name(name));

        var pattern = request.Pattern?.Trim() ?? "";
        errors.Check("pattern", CodeRules.Pattern(pattern));

        // Each list is refused whole once it is over its cap, before any item is looked at.
        var platforms = new List<string>();
        var requestedPlatforms = request.Platforms ?? [];
        if (requestedPlatforms.Count > TriggerRules.MaxPlatforms)
        {
            errors.Add("platforms", $"At most {TriggerRules.MaxPlatforms} platforms.");
        }
        else
        {
            foreach (var platform in requestedPlatforms)
            {
                var normalized = platform?.ToLowerInvariant() ?? "";
                if (!PlatformNames.IsKnown(normalized))
                {
                    errors.Add("platforms", $"'{FieldErrors.Quote(platform)}' is not a platform; use {string.Join(", ", PlatformNames.All)} (or none for all).");
                }
                else if (platforms.Contains(normalized))
                {
                    errors.Add("platforms", $"{normalized} is listed twice; list each platform once.");
                }
                else
                {
                    platforms.Add(normalized);
                }
            }
        }

        var adIds = new List<string>();
        var requestedAdIds = request.AdIds ?? [];
        if (requestedAdIds.Count > TriggerRules.MaxAdIds)
        {
            errors.Add("adIds", $"At most {TriggerRules.MaxAdIds} ad ids.");
        }
        else if (errors.Check("adIds", TriggerRules.AdIds(requestedAdIds)))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var adId in requestedAdIds)
            {
                var trimmed = adId!.Trim();
                if (seen.Add(trimmed))
                {
                    adIds.Add(trimmed);
                }
            }
        }

        var priority = request.Priority ?? 0;
        errors.Check("priority", TriggerRules.Priority(priority));

        var tags = new List<string>();
        var requestedTags = request.Actions?.Tags ?? [];
        if (requestedTags.Count > TriggerRules.MaxTags)
        {
            errors.Add("actions.tags", $"At most {TriggerRules.MaxTags} tags.");
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var tag in requestedTags)
            {
                if (errors.Check("actions.tags", TagTemplates.Validate(tag, pattern)) && seen.Add(tag.Trim()))
                {
                    tags.Add(tag.Trim());
                }
            }
        }

        var greeting = request.Actions?.Greeting;
        var text = string.IsNullOrWhiteSpace(greeting?.Text) ? null : greeting.Text.Trim();
        if (text is { Length: > MaxGreetingLength })
        {
            errors.Add("actions.greeting.text", $"The greeting is at most {MaxGreetingLength} characters (Instagram's limit).");
        }

        var mode = GreetingModes.Parse(greeting?.Mode);
        if (mode is null)
        {
            errors.Add("actions.greeting.mode", $"mode must be {GreetingModes.AfterFirstMessage} or {GreetingModes.Immediate}.");
        }

        return new TriggerDraft(name, pattern, platforms, adIds, priority, request.Enabled ?? true, tags, text, mode ?? GreetingMode.AfterFirstMessage);
    }

    public void CopyTo(Trigger trigger)
    {
        trigger.Name = Name;
        trigger.Pattern = Pattern;
        trigger.Platforms = Platforms;
        trigger.AdIds = AdIds;
        trigger.Priority = Priority;
        trigger.Enabled = Enabled;
        trigger.Tags = Tags;
        trigger.GreetingText = GreetingText;
        trigger.GreetingMode = GreetingMode;
    }
}

/// <summary>Conversations a trigger fired in and conversions credited (first or last touch) to its touches.</summary>
public static class TriggerStats
{
    /// <summary>The stats of one trigger, or of every trigger when <paramref name="triggerId"/> is null.</summary>
    public static Task<Dictionary<long, TriggerStatsDto>> LoadAsync(AppDbContext db, long? triggerId, CancellationToken cancellationToken) =>
        triggerId is { } id
            ? QueryAsync(db, db.IsPostgres() ? "TriggerId = @trigger" : "TriggerId = $trigger", [db.Parameter("$trigger", id)], cancellationToken)
            : QueryAsync(db, "true", [], cancellationToken);

    private static async Task<Dictionary<long, TriggerStatsDto>> QueryAsync(AppDbContext db, string filter, DbParameter[] parameters, CancellationToken cancellationToken)
    {
        // The filter is one of the constants above; only the parameters carry input. Firings are counted on their
        // (TriggerId, ConversationId) index alone. Conversions are far fewer than touches: CROSS JOIN keeps them the outer
        // loop, each looking up its two credited touches by key ('+' keeps the planner off the touches' trigger index).
        var touchFilter = filter.Replace("TriggerId", "+t.TriggerId", StringComparison.Ordinal);
        var sql = db.IsPostgres() ? $"""
            SELECT TriggerId AS "TriggerId", SUM(Conversations)::int AS "Conversations", SUM(Conversions)::int AS "Conversions" FROM (
                SELECT TriggerId, COUNT(DISTINCT ConversationId) AS Conversations, 0 AS Conversions
                FROM TriggerFirings WHERE {filter} GROUP BY TriggerId
                UNION ALL
                SELECT TriggerId, 0, COUNT(*) FROM (
                    SELECT v.Id, t.TriggerId FROM Conversions v JOIN ReferralTouches t ON t.Id = v.FirstTouchId
                    WHERE t.TriggerId IS NOT NULL AND ({touchFilter})
                    UNION
                    SELECT v.Id, t.TriggerId FROM Conversions v JOIN ReferralTouches t ON t.Id = v.LastTouchId
                    WHERE t.TriggerId IS NOT NULL AND ({touchFilter})) AS credited
                GROUP BY TriggerId) AS counts
            GROUP BY TriggerId
            """ : $"""
            SELECT TriggerId, SUM(Conversations) AS Conversations, SUM(Conversions) AS Conversions FROM (
                SELECT TriggerId, COUNT(DISTINCT ConversationId) AS Conversations, 0 AS Conversions
                FROM TriggerFirings WHERE {filter} GROUP BY TriggerId
                UNION ALL
                SELECT TriggerId, 0, COUNT(*) FROM (
                    SELECT v.Id, t.TriggerId FROM Conversions v CROSS JOIN ReferralTouches t ON t.Id = v.FirstTouchId
                    WHERE t.TriggerId IS NOT NULL AND ({touchFilter})
                    UNION
                    SELECT v.Id, t.TriggerId FROM Conversions v CROSS JOIN ReferralTouches t ON t.Id = v.LastTouchId
                    WHERE t.TriggerId IS NOT NULL AND ({touchFilter}))
                GROUP BY TriggerId)
            GROUP BY TriggerId
            """;
        var rows = await db.Database.SqlQueryRaw<Row>(sql, parameters).ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.TriggerId, r => new TriggerStatsDto(r.Conversations, r.Conversions));
    }

    private sealed record Row(long TriggerId, int Conversations, int Conversions);
}
