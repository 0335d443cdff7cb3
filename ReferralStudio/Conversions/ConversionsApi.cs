using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Api;
using ReferralStudio.Data;
using ReferralStudio.MetaConversions;
using ReferralStudio.Outbound;
using ReferralStudio.Platforms;
using ReferralStudio.Referrals;

namespace ReferralStudio.Conversions;

/// <summary>The body of <c>POST /api/conversions</c>.</summary>
/// <remarks>Defaults make the fields optional in the OpenAPI document; [Required] marks the ones RecordCoreAsync insists on.</remarks>
public sealed record RecordConversionRequest(
    [property: Description("The conversation; or give platform and participantId instead.")] long? ConversationId = null,
    string? Platform = null,
    string? ParticipantId = null,
    [property: Description("Needed with platform and participantId only when the person talks to several accounts.")] string? AccountId = null,
    [property: Required, Description("A short name such as signup or purchase.")] string? Type = null,
    [property: Description(ConversionValues.Rule)] decimal? Value = null,
    [property: Description("Three-letter ISO 4217 code.")] string? Currency = null,
    [property: Description("Default: now.")] DateTimeOffset? OccurredAt = null,
    [property: Required, Description("Your id for the conversion; sending it again answers 200 with the first record.")] string? ExternalId = null);

public sealed record ConversionDto(
    long Id,
    long ConversationId,
    string Type,
    double? Value,
    string? Currency,
    DateTimeOffset OccurredAt,
    string ExternalId,
    DateTimeOffset RecordedAt,
    ReferralDto? FirstTouch,
    ReferralDto? LastTouch,
    long? FirstTouchTriggerId,
    long? LastTouchTriggerId)
{
    /// <summary>Where the conversion stands with Meta's Conversions API; null when it is not sent (organic, simulated or demo).</summary>
    public MetaConversionStatusDto? MetaStatus { get; init; }
}

public static class ConversionsApi
{
    public const int MaxExternalIdLength = 200;

    public static RouteGroupBuilder MapConversionsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/conversions").WithTags("Conversions");
        group.MapPost("", RecordAsync).WithName("RecordConversion")
            .WithSummary("Record a conversion (idempotent per externalId)")
            .AcceptsJson<RecordConversionRequest>();
        group.MapGet("", ListAsync).WithName("ListConversions")
            .WithSummary("List conversions, latest first");
        return api;
    }

    /// <summary>
    /// Records a conversion once per <c>externalId</c> (repeats answer 200 with the first record) and credits it
    /// to the conversation's first and last campaign touch before <c>occurredAt</c>.
    /// </summary>
    internal static async Task<Results<Created<ConversionDto>, Ok<ConversionDto>, ValidationProblem>> RecordAsync(
        JsonBody<RecordConversionRequest> body,
        AppDbContext db,
        OutboundQueue outbound,
        MetaConversionQueue metaConversions,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (Unreadable(body) is { } unreadable)
        {
            return unreadable.Problem();
        }

        var (conversion, created, errors) = await RecordCoreAsync(body.Value!, db, outbound, metaConversions, time, cancellationToken);
        if (conversion is null)
        {
            return errors.Problem();
        }

        return created
            ? TypedResults.Created($"/api/conversions?externalId={Uri.EscapeDataString(conversion.ExternalId)}", conversion)
            : TypedResults.Ok(conversion);
    }

    /// <summary>
    /// Records a conversion once per externalId (created is false for a repeat) and credits it to the first and last
    /// campaign touch before it happened; shared by the API and the demo data loader.
    /// </summary>
    public static async Task<(ConversionDto? Conversion, bool Created, FieldErrors Errors)> RecordCoreAsync(
        RecordConversionRequest request, AppDbContext db, OutboundQueue outbound, MetaConversionQueue metaConversions, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var type = request.Type?.Trim();
        if (string.IsNullOrEmpty(type) || type.Length > 64)
        {
            errors.Add("type", "type is required: a short name such as signup or purchase (at most 64 characters).");
        }

        var externalId = request.ExternalId?.Trim();
        if (string.IsNullOrEmpty(externalId) || externalId.Length > MaxExternalIdLength)
        {
            errors.Add("externalId", $"externalId is required (at most {MaxExternalIdLength} characters); repeating it makes the call idempotent.");
        }

        if (request.Value is { } value)
        {
            errors.Check("value", ConversionValues.Validate(value));
        }

        var currency = request.Currency?.Trim().ToUpperInvariant();
        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)))
        {
            errors.Add("currency", "currency must be a three-letter ISO 4217 code such as EUR.");
        }

        var platform = errors.Platform("platform", request.Platform);
        if (request.ConversationId is null && (platform is null || string.IsNullOrWhiteSpace(request.ParticipantId)))
        {
            errors.Add("conversationId", "Give conversationId, or platform and participantId.");
        }

        if (errors.Any)
        {
            return (null, false, errors);
        }

        var existing = await FindAsync(db, externalId!, cancellationToken);
        if (existing is not null)
        {
            return (existing, false, errors);
        }

        var conversations = request.ConversationId is { } id
            ? await db.Conversations.AsNoTracking().Where(c => c.Id == id).ToListAsync(cancellationToken)
            : await db.Conversations.AsNoTracking()
                .Where(c => c.Platform == platform && (c.ParticipantId == request.ParticipantId
                    || db.ParticipantAliases.Where(a => a.Alias == request.ParticipantId).Select(a => a.ConversationId).Contains(c.Id)))
                .Where(c => request.AccountId == null || c.AccountId == request.AccountId)
                // Two are enough to tell one from several; ordered so EF has nothing to warn about.
                .OrderBy(c => c.Id).Take(2).ToListAsync(cancellationToken);
        if (conversations.Count != 1)
        {
            errors.Add(
                request.ConversationId is null ? "participantId" : "conversationId",
                conversations.Count == 0
                    ? "No conversation matches; it exists once the person has messaged or followed a link."
                    : "This participant talks to more than one account; add accountId or use conversationId.");
            return (null, false, errors);
        }

        var conversation = conversations[0];
        var now = time.GetUtcNow();
        var occurredAt = request.OccurredAt ?? now;
        var touches = db.ReferralTouches.AsNoTracking()
            .Where(t => t.ConversationId == conversation.Id && t.IsCampaignTouch && t.OccurredAt <= occurredAt);
        var first = await touches.OrderBy(t => t.OccurredAt).ThenBy(t => t.Id).FirstOrDefaultAsync(cancellationToken);
        var last = await touches.OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id).FirstOrDefaultAsync(cancellationToken);

        var conversion = new Conversion
        {
            ConversationId = conversation.Id,
            Type = type!,
            Value = request.Value is { } amount ? ConversionValues.ToStored(amount) : null,
            Currency = currency,
            OccurredAt = occurredAt,
            ExternalId = externalId!,
            FirstTouchId = first?.Id,
            LastTouchId = last?.Id,
            RecordedAt = now,
        };
        // The conversion and its outbound events commit together: neither exists without the other. Inside a
        // caller's transaction (the demo loader records hundreds in a few) the caller commits, and wakes the outbox.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        db.Conversions.Add(conversion);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two calls with the same externalId raced: the other one won, answer with its record. In a caller's
            // transaction EF has already rolled back to the savepoint it took before saving.
            if (transaction is not null)
            {
                await transaction.RollbackAsync(cancellationToken);
            }

            db.ChangeTracker.Clear();
            return ((await FindAsync(db, externalId!, cancellationToken))!, false, errors);
        }

        await CampaignRollup.AddConversionAsync(db, conversion, cancellationToken);
        await metaConversions.EnqueueAsync(db, conversation, conversion, cancellationToken);
        var metaStatus = await MetaConversionStatuses.LoadAsync(db, [conversion.Id], cancellationToken);
        var dto = ToDto(conversion, first, last) with { MetaStatus = metaStatus.GetValueOrDefault(conversion.Id) };
        var data = new OutboundEventData(
            conversation.Platform,
            new AccountRef(conversation.AccountId),
            new ConversationRef(conversation.Id, conversation.CreatedAt, conversation.WindowExpiresAt),
            new SenderRef(conversation.ParticipantId, conversation.ParticipantName),
            dto.LastTouch,
            null)
        {
            Participant = conversation.Platform == PlatformNames.WhatsApp ? ParticipantDto.From(conversation) : null,
            Conversion = new ConversionRef(conversion.Id, conversion.Type, conversion.Value, conversion.Currency, conversion.OccurredAt, conversion.ExternalId, dto.FirstTouch, dto.LastTouch),
            Simulated = conversation.SimulatedOrDemo,
        };
        await outbound.EnqueueAsync(db, EventTypes.ConversionRecorded, occurredAt, data, cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            outbound.Wake();
            metaConversions.Wake();
        }

        return (dto, true, errors);
    }

    internal static async Task<Results<Ok<PageDto<ConversionDto>>, ValidationProblem>> ListAsync(
        AppDbContext db,
        long? conversationId,
        string? externalId,
        string? page,
        string? pageSize,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var pageNumber = errors.Int("page", page, 1, 1, 100_000);
        var size = errors.Int("pageSize", pageSize, 50, 1, 200);
        var externalFilter = errors.Text("externalId", externalId, MaxExternalIdLength);
        if (errors.Any)
        {
            return errors.Problem();
        }

        var query = db.Conversions.AsNoTracking();
        if (conversationId is { } id)
        {
            query = query.Where(c => c.ConversationId == id);
        }

        if (externalFilter is not null)
        {
            query = query.Where(c => c.ExternalId == externalFilter);
        }

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(c => c.OccurredAt).ThenByDescending(c => c.Id)
            .Skip((pageNumber - 1) * size).Take(size).ToListAsync(cancellationToken);
        var touchIds = rows.SelectMany(c => new[] { c.FirstTouchId, c.LastTouchId }).OfType<long>().Distinct().ToList();
        var touches = await db.ReferralTouches.AsNoTracking().Where(t => touchIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, cancellationToken);
        var metaStatuses = await MetaConversionStatuses.LoadAsync(db, rows.ConvertAll(c => c.Id), cancellationToken);
        var items = rows.Select(c => ToDto(c, Lookup(touches, c.FirstTouchId), Lookup(touches, c.LastTouchId)) with { MetaStatus = metaStatuses.GetValueOrDefault(c.Id) }).ToList();
        return TypedResults.Ok(new PageDto<ConversionDto>(items, total, pageNumber, size));
    }

    // 1e308, "NaN" or "12" do not fit the decimal the value is read into: say the rule, not the parser's complaint.
    private static FieldErrors? Unreadable(JsonBody<RecordConversionRequest> body)
    {
        if (body.Field != "value")
        {
            return body.Problem();
        }

        var errors = new FieldErrors();
        errors.Add("value", ConversionValues.Error);
        return errors;
    }

    private static async Task<ConversionDto?> FindAsync(AppDbContext db, string externalId, CancellationToken cancellationToken)
    {
        var conversion = await db.Conversions.AsNoTracking().SingleOrDefaultAsync(c => c.ExternalId == externalId, cancellationToken);
        if (conversion is null)
        {
            return null;
        }

        var ids = new[] { conversion.FirstTouchId, conversion.LastTouchId }.OfType<long>().ToList();
        var touches = await db.ReferralTouches.AsNoTracking().Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, cancellationToken);
        var metaStatus = await MetaConversionStatuses.LoadAsync(db, [conversion.Id], cancellationToken);
        return ToDto(conversion, Lookup(touches, conversion.FirstTouchId), Lookup(touches, conversion.LastTouchId)) with { MetaStatus = metaStatus.GetValueOrDefault(conversion.Id) };
    }

    private static ReferralTouch? Lookup(Dictionary<long, ReferralTouch> touches, long? id) =>
        id is { } key && touches.TryGetValue(key, out var touch) ? touch : null;

    private static ConversionDto ToDto(Conversion c, ReferralTouch? first, ReferralTouch? last) => new(
        c.Id, c.ConversationId, c.Type, c.Value, c.Currency, c.OccurredAt, c.ExternalId, c.RecordedAt,
        ReferralDto.From(first), ReferralDto.From(last), first?.TriggerId, last?.TriggerId);
}
