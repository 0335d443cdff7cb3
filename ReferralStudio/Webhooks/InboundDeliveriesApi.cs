using Microsoft.AspNetCore.Http.HttpResults;
using ReferralStudio.Api;
using ReferralStudio.Data;

namespace ReferralStudio.Webhooks;

/// <summary>One delivery Meta made to <c>/webhooks/meta</c> and what became of it (no body: bodies can be megabytes).</summary>
/// <remarks>
/// The API's view of <see cref="InboundDeliveryRow"/>, kept apart because the two differ in one field: the contract
/// names the status as a lowercase string (schema <c>string</c>, as every status in the API), while the dashboard works
/// with the enum (what may be replayed).
/// </remarks>
public sealed record InboundDeliveryDto(
    long Id,
    DateTimeOffset ReceivedAt,
    string Status,
    string? ObjectType,
    string? Reason,
    DateTimeOffset? ProcessedAt,
    int EventCount,
    int DuplicateCount,
    int RejectedEventCount,
    int IgnoredEventCount,
    bool Simulated)
{
    public static InboundDeliveryDto From(InboundDeliveryRow r) => new(r.Id, r.ReceivedAt, InboundDeliveriesApi.Name(r.Status), r.ObjectType, r.Reason,
        r.ProcessedAt, r.EventCount, r.DuplicateCount, r.RejectedEventCount, r.IgnoredEventCount, r.Simulated);
}

/// <summary>The delivery a replay stored: it is processed like any other, and its own outcome is in the list.</summary>
public sealed record InboundReplayDto(long ReplayedDeliveryId, long NewDeliveryId);

/// <summary>The inbound delivery log, and the replay of a delivery whose processing failed (after the cause is fixed).</summary>
public static class InboundDeliveriesApi
{
    private const int MaxPageSize = 200;

    private static readonly DeliveryStatus[] Statuses = Enum.GetValues<DeliveryStatus>();

    public static RouteGroupBuilder MapInboundDeliveriesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/webhooks/inbound").WithTags("Inbound webhooks");
        group.MapGet("", ListAsync).WithName("ListInboundDeliveries")
            .WithSummary("List the deliveries Meta made, newest first, optionally by status");
        group.MapPost("/{id:long}/replay", ReplayAsync).WithName("ReplayInboundDelivery")
            .WithSummary("Process a failed delivery's stored body again, as a new delivery")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    /// <summary>A status as the API and the dashboard name it.</summary>
    public static string Name(DeliveryStatus status) => status.ToString().ToLowerInvariant();

    internal static async Task<Results<Ok<PageDto<InboundDeliveryDto>>, ValidationProblem>> ListAsync(
        InboundDeliveries deliveries, string? status, string? page, string? pageSize, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var pageNumber = errors.Int("page", page, 1, 1, 100_000);
        var size = errors.Int("pageSize", pageSize, 50, 1, MaxPageSize);
        DeliveryStatus? statusFilter = null;
        if (!string.IsNullOrEmpty(status))
        {
            var wanted = status.ToLowerInvariant();
            statusFilter = Statuses.Where(s => Name(s) == wanted).Select(s => (DeliveryStatus?)s).FirstOrDefault();
            if (statusFilter is null)
            {
                errors.Add("status", $"status must be one of {string.Join(", ", Statuses.Select(Name))}.");
            }
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        var (rows, total) = await deliveries.PageAsync(statusFilter, pageNumber - 1, size, cancellationToken);
        return TypedResults.Ok(new PageDto<InboundDeliveryDto>(rows.ConvertAll(InboundDeliveryDto.From), total, pageNumber, size));
    }

    internal static async Task<Results<Accepted<InboundReplayDto>, ProblemHttpResult>> ReplayAsync(
        long id, InboundDeliveries deliveries, CancellationToken cancellationToken)
    {
        var (newId, refusal, missing) = await deliveries.ReplayAsync(id, cancellationToken);
        if (newId is { } replayed)
        {
            return TypedResults.Accepted("/api/webhooks/inbound?status=pending", new InboundReplayDto(id, replayed));
        }

        return missing
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Delivery not found", detail: refusal,
                extensions: new Dictionary<string, object?> { ["field"] = "id" })
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Only a failed delivery can be replayed", detail: refusal,
                extensions: new Dictionary<string, object?> { ["field"] = "id" });
    }
}
