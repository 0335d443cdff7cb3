using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Api;
using ReferralStudio.Data;

namespace ReferralStudio.Messaging;

public sealed record OutgoingMessageDto(
    long Id,
    long ConversationId,
    long? TriggerId,
    string Platform,
    string AccountId,
    string RecipientId,
    string Text,
    string Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? CompletedAt,
    string? ExternalMessageId,
    int? LastStatusCode,
    string? LastError);

public static class OutboxApi
{
    public static RouteGroupBuilder MapOutboxApi(this RouteGroupBuilder api)
    {
        api.MapGet("/messages/outbox", ListAsync).WithTags("Greetings").WithName("ListOutgoingMessages")
            .WithSummary("List greeting messages, newest first");
        return api;
    }

    /// <summary>Greetings: sent, dry runs (no token), waiting for the person's message, failed or expired.</summary>
    internal static async Task<Results<Ok<PageDto<OutgoingMessageDto>>, ValidationProblem>> ListAsync(
        AppDbContext db, long? conversationId, string? status, string? page, string? pageSize, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var pageNumber = errors.Int("page", page, 1, 1, 100_000);
        var size = errors.Int("pageSize", pageSize, 50, 1, 200);
        OutgoingStatus? statusFilter = null;
        if (!string.IsNullOrEmpty(status))
        {
            statusFilter = Statuses.FirstOrDefault(s => Name(s) == status.ToLowerInvariant());
            if (statusFilter is null)
            {
                errors.Add("status", $"status must be one of {string.Join(", ", Statuses.Select(s => Name(s!.Value)))}.");
            }
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        var query = db.OutgoingMessages.AsNoTracking();
        if (conversationId is { } id)
        {
            query = query.Where(m => m.ConversationId == id);
        }

        if (statusFilter is { } st)
        {
            query = query.Where(m => m.Status == st);
        }

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(m => m.Id).Skip((pageNumber - 1) * size).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PageDto<OutgoingMessageDto>(rows.Select(ToDto).ToList(), total, pageNumber, size));
    }

    private static readonly OutgoingStatus?[] Statuses = Enum.GetValues<OutgoingStatus>().Select(s => (OutgoingStatus?)s).ToArray();

    public static string Name(OutgoingStatus status) => status switch
    {
        OutgoingStatus.DryRun => "dry_run",
        OutgoingStatus.WaitingForMessage => "waiting_for_message",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Name(OutgoingStatus? status) => status is { } s ? Name(s) : "";

    public static OutgoingMessageDto ToDto(OutgoingMessage m) => new(
        m.Id, m.ConversationId, m.TriggerId, m.Platform, m.AccountId, m.RecipientId, m.Text, Name(m.Status), m.Attempts, m.CreatedAt,
        m.Status == OutgoingStatus.Pending ? m.NextAttemptAt : null, m.CompletedAt, m.ExternalMessageId, m.LastStatusCode, m.LastError);
}
