using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Referrals;

namespace ReferralStudio.Api;

public static class ConversationsApi
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxParticipantIdLength = 200;

    public static RouteGroupBuilder MapConversationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/conversations").WithTags("Conversations");
        group.MapGet("", ListAsync).WithName("ListConversations")
            .WithSummary("List conversations, newest activity first");
        group.MapGet("/{id:long}", GetAsync).WithName("GetConversation")
            .WithSummary("Get a conversation with its referral history and tags")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Conversations with the newest activity first, filtered by platform, participant, ref and activity time.</summary>
    internal static async Task<Results<Ok<PageDto<ConversationSummaryDto>>, ValidationProblem>> ListAsync(
        AppDbContext db,
        TimeProvider time,
        string? platform,
        string? @ref,
        string? participantId,
        string? since,
        string? until,
        string? page,
        string? pageSize,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var platformFilter = errors.Platform("platform", platform);
        var refFilter = errors.Ref("ref", @ref);
        var sinceFilter = errors.Time("since", since);
        var untilFilter = errors.Time("until", until);
        var participantFilter = errors.Text("participantId", participantId, MaxParticipantIdLength);
        var pageNumber = errors.Int("page", page, 1, 1, int.MaxValue / MaxPageSize);
        var size = errors.Int("pageSize", pageSize, DefaultPageSize, 1, MaxPageSize);
        if (sinceFilter is { } s && untilFilter is { } u && s > u)
        {
            errors.Add("until", "until must not be before since.");
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        var query = db.Conversations.AsNoTracking();
        if (platformFilter is not null)
        {
            query = query.Where(c => c.Platform == platformFilter);
        }

        if (sinceFilter is { } from)
        {
            query = query.Where(c => c.LastActivityAt >= from);
        }

        if (untilFilter is { } to)
        {
            query = query.Where(c => c.LastActivityAt < to);
        }

        if (participantFilter is { } participant)
        {
            // The id a conversation is keyed by, or any other it knows (a WhatsApp phone or BSUID, an earlier BSUID).
            query = query.Where(c => c.ParticipantId == participant
                || db.ParticipantAliases.Where(a => a.Alias == participant).Select(a => a.ConversationId).Contains(c.Id));
        }

        if (refFilter is not null && db.IsPostgres())
        {
            // No NOCASE on PostgreSQL: lower(ref), as its ref index is.
            var lowered = refFilter.ToLowerInvariant();
            query = query.Where(c => db.ReferralTouches.Any(t => t.ConversationId == c.Id && t.Ref!.ToLower() == lowered));
        }
        else if (refFilter is not null)
        {
            query = query.Where(c => db.ReferralTouches.Any(t => t.ConversationId == c.Id && t.Ref == refFilter));
        }

        var total = await query.CountAsync(cancellationToken);
        var rows = await query
            .OrderByDescending(c => c.LastActivityAt).ThenByDescending(c => c.Id)
            .Skip((pageNumber - 1) * size).Take(size)
            .Include(c => c.FirstReferral).Include(c => c.LatestReferral)
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var items = rows.Select(c => ConversationSummaryDto.From(c, now)).ToList();
        return TypedResults.Ok(new PageDto<ConversationSummaryDto>(items, total, pageNumber, size));
    }

    /// <summary>One conversation with its first and latest touch and the full history in event-time order.</summary>
    internal static async Task<Results<Ok<ConversationDetailDto>, ProblemHttpResult>> GetAsync(
        long id, AppDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var c = await db.Conversations.AsNoTracking()
            .Include(x => x.FirstReferral).Include(x => x.LatestReferral)
            .SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (c is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Conversation not found",
                detail: $"There is no conversation {id}.");
        }

        var history = await db.ReferralTouches.AsNoTracking()
            .Where(t => t.ConversationId == id)
            .OrderBy(t => t.OccurredAt).ThenBy(t => t.Id)
            .ToListAsync(cancellationToken);
        var tags = await db.ConversationTags.AsNoTracking().Where(t => t.ConversationId == id)
            .OrderBy(t => t.AddedAt).ThenBy(t => t.Label).Select(t => t.Label).ToListAsync(cancellationToken);
        return TypedResults.Ok(new ConversationDetailDto(ConversationSummaryDto.From(c, time.GetUtcNow()), history.Select(t => ReferralDto.From(t)!).ToList(), tags));
    }
}
