using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;
using ReferralStudio.Inbox;

namespace ReferralStudio.Webhooks;

/// <summary>One row of the inbound delivery log, without its body (bodies can be megabytes).</summary>
public sealed record InboundDeliveryRow(
    long Id,
    DateTimeOffset ReceivedAt,
    DeliveryStatus Status,
    string? ObjectType,
    string? Reason,
    DateTimeOffset? ProcessedAt,
    int EventCount,
    int DuplicateCount,
    int RejectedEventCount,
    int IgnoredEventCount,
    bool Simulated);

/// <summary>A delivery's body for reading: indented when it is JSON, else as received; <see cref="Note"/> says why it is not.</summary>
public sealed record InboundBody(long Id, string Text, bool IsJson, string? Note);

/// <summary>The outcome of a replay: the new delivery's id, or why there is none (<see cref="Missing"/>: no such delivery).</summary>
public sealed record InboundReplayResult(long? NewDeliveryId, string? Refusal, bool Missing = false);

/// <summary>
/// The inbound delivery log as the dashboard reads it, and the replay of a delivery whose processing failed:
/// its stored body goes through the inbox again as a new delivery, so the processor applies it the usual way
/// (events it had already recorded count as duplicates, so a replay never records anything twice).
/// </summary>
public sealed class InboundDeliveries(IDbContextFactory<AppDbContext> contexts, InboxWriter inbox, IOptions<MetaOptions> options, TimeProvider time)
{
    /// <summary>Shown bodies stop here: a browser has no use for megabytes of JSON.</summary>
    public const int MaxShownBytes = 256 * 1024;

    public static string ReplayReason(long originalId) => $"replay of delivery {originalId}";

    /// <summary>One page (from 0), newest first, optionally only deliveries with <paramref name="status"/>.</summary>
    public async Task<(List<InboundDeliveryRow> Rows, int Total)> PageAsync(DeliveryStatus? status, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.InboundDeliveries.AsNoTracking();
        if (status is { } s)
        {
            query = query.Where(d => d.Status == s);
        }

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(d => d.Id).Skip(page * pageSize).Take(pageSize)
            .Select(d => new InboundDeliveryRow(d.Id, d.ReceivedAt, d.Status, d.ObjectType, d.Reason, d.ProcessedAt,
                d.EventCount, d.DuplicateCount, d.RejectedEventCount, d.IgnoredEventCount, d.Simulated))
            .ToListAsync(cancellationToken);
        return (rows, total);
    }

    public async Task<InboundBody?> BodyAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var bytes = await db.InboundDeliveries.Where(d => d.Id == id).Select(d => d.Body).SingleOrDefaultAsync(cancellationToken);
        return bytes is null ? null : Format(id, bytes);
    }

    /// <summary>Indents a JSON body; anything else (or too deep, or too large) is shown as received, with the reason.</summary>
    public static InboundBody Format(long id, byte[] body)
    {
        if (body.Length == 0)
        {
            // Inbox:RetainProcessedBodiesFor empties old processed bodies; the row and its outcome stay.
            return new(id, "", false, "The body is empty: dropped after processing (Inbox:RetainProcessedBodiesFor), or sent empty.");
        }

        if (body.Length > MaxShownBytes)
        {
            return new(id, Encoding.UTF8.GetString(body, 0, MaxShownBytes), false, $"Showing the first {MaxShownBytes / 1024:N0} KB of {body.Length:N0} bytes, as received.");
        }

        try
        {
            return new(id, Indent(body), true, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return new(id, Encoding.UTF8.GetString(body), false, $"Not valid JSON ({ex.Message}); shown as received.");
        }
    }

    /// <summary>
    /// Two-space indentation, strings unescaped for reading: System.Text.Json's writers would turn "été 🎉" back
    /// into \u escapes, so only quotes, backslashes and control characters are escaped here.
    /// </summary>
    private static string Indent(byte[] body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 128 });
        var text = new StringBuilder(body.Length * 2);
        var filled = new Stack<bool>();
        var afterName = false;

        void NewLine() => text.Append('\n').Append(' ', filled.Count * 2);

        // Every element after the first in its container gets a comma; each goes on its own line.
        void BeginElement()
        {
            if (afterName)
            {
                afterName = false;
                return;
            }

            if (filled.Count == 0)
            {
                return;
            }

            if (filled.Pop())
            {
                text.Append(',');
            }

            filled.Push(true);
            NewLine();
        }

        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    BeginElement();
                    text.Append(reader.TokenType == JsonTokenType.StartObject ? '{' : '[');
                    filled.Push(false);
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    if (filled.Pop())
                    {
                        NewLine();
                    }

                    text.Append(reader.TokenType == JsonTokenType.EndObject ? '}' : ']');
                    break;
                case JsonTokenType.PropertyName:
                    BeginElement();
                    AppendString(text, reader.GetString()!);
                    text.Append(": ");
                    afterName = true;
                    break;
                case JsonTokenType.String:
                    BeginElement();
                    AppendString(text, reader.GetString()!);
                    break;
                default:
                    // Numbers, true, false, null: exactly as sent.
                    BeginElement();
                    text.Append(Encoding.UTF8.GetString(reader.ValueSpan));
                    break;
            }
        }

        return text.ToString();
    }

    private static void AppendString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }

        text.Append('"');
    }

    /// <summary>Stores a failed delivery's body again as a new pending delivery; refused for any other outcome.</summary>
    public async Task<InboundReplayResult> ReplayAsync(long id, CancellationToken cancellationToken = default)
    {
        InboundDelivery? original;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            original = await db.InboundDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        }

        if (original is null)
        {
            return new(null, $"There is no delivery {id}.", Missing: true);
        }

        if (original.Status != DeliveryStatus.Failed)
        {
            return new(null, original.Status switch
            {
                DeliveryStatus.Processed => "It was processed already; a replay would only count its events as duplicates.",
                DeliveryStatus.Pending => "It is still waiting to be processed.",
                _ => $"It was {original.Status.ToString().ToLowerInvariant()} when it arrived ({original.Reason}); sending the same body again would end the same way.",
            });
        }

        if (original.Body.Length == 0)
        {
            return new(null, "Its body is no longer stored, so there is nothing to send again.");
        }

        var envelope = JsonEnvelope.Inspect(original.Body, options.Value.MaxJsonDepth);
        var item = new InboxItem(original.Body, DeliveryStatus.Pending, envelope.ObjectType ?? original.ObjectType, ReplayReason(id), time.GetUtcNow(), original.Simulated);
        return new(await inbox.StoreAsync(item, cancellationToken), null);
    }
}
