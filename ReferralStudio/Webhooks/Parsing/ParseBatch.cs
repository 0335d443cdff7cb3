using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ReferralStudio.Platforms;

namespace ReferralStudio.Webhooks.Parsing;

/// <summary>Collects one delivery's results; dedup keys depend on its object name and platform.</summary>
internal sealed class ParseBatch(string objectName, Platform platform)
{
    private const int StackHashInputBytes = 1024;

    private readonly List<ParsedEvent> _events = [];
    private List<RejectedEvent>? _rejected;
    private bool _outOfOrder;

    public Platform Platform { get; } = platform;

    public int Ignored { get; set; }

    public List<IdentityChange> IdentityChanges { get; } = [];

    public List<GroupMessage> Groups { get; } = [];

    private string PlatformKey => PlatformNames.Of(Platform);

    public void Add(ParsedEvent parsed)
    {
        if (_events.Count > 0 && parsed.OccurredAt < _events[^1].OccurredAt)
        {
            _outOfOrder = true;
        }

        _events.Add(parsed);
    }

    public void Reject(JsonElement raw, string reason, string? accountId = null, string? participantId = null, DateTimeOffset? occurredAt = null) =>
        (_rejected ??= []).Add(new RejectedEvent
        {
            Platform = Platform,
            AccountId = accountId,
            ParticipantId = participantId,
            OccurredAt = occurredAt,
            Reason = reason,
            RawJson = raw.GetRawText(),
        });

    /// <summary>
    /// Stable across Meta's retries and re-batching: ids when Meta gives one, else a hash of what the event says.
    /// These keys are stored, so the formulas must not change.
    /// </summary>
    public string DedupKey(EventKind kind, string? messageId, string accountId, string participantId, long timestampMs, string? reference, string? text)
    {
        if (kind == EventKind.Referral)
        {
            return Hash(
                PlatformKey + ":r:",
                string.Create(CultureInfo.InvariantCulture, $"{objectName}|{accountId}|{participantId}|{timestampMs}|{reference}"));
        }

        if (messageId is not null)
        {
            return string.Concat(PlatformKey, kind == EventKind.Message ? ":m:" : ":p:", messageId);
        }

        var kindName = kind == EventKind.Message ? nameof(EventKind.Message) : nameof(EventKind.Postback);
        return Hash(
            PlatformKey + ":x:",
            string.Create(CultureInfo.InvariantCulture, $"{objectName}|{accountId}|{participantId}|{timestampMs}|{kindName}|{reference}|{text}"));
    }

    public ParseResult ToResult()
    {
        IReadOnlyList<ParsedEvent> events = _events;
        if (_outOfOrder)
        {
            // Meta does not deliver in order; sort by time, keeping document order for ties (Array.Sort alone is unstable).
            var keyed = new (DateTimeOffset At, int Index, ParsedEvent Event)[_events.Count];
            for (var i = 0; i < keyed.Length; i++)
            {
                keyed[i] = (_events[i].OccurredAt, i, _events[i]);
            }

            Array.Sort(keyed, static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Index.CompareTo(b.Index));
            var sorted = new ParsedEvent[keyed.Length];
            for (var i = 0; i < keyed.Length; i++)
            {
                sorted[i] = keyed[i].Event;
            }

            events = sorted;
        }

        IReadOnlyList<RejectedEvent> rejected = _rejected is null ? [] : _rejected;
        return new ParseResult(events, rejected, Ignored) { IdentityChanges = IdentityChanges, GroupMessages = Groups };
    }

    private static string Hash(string prefix, string material)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(material.Length);
        byte[]? rented = null;
        Span<byte> buffer = maxBytes <= StackHashInputBytes
            ? stackalloc byte[StackHashInputBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var length = Encoding.UTF8.GetBytes(material, buffer);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..length], hash);
            return prefix + Convert.ToHexStringLower(hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
