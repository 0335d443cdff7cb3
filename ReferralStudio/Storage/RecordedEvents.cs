using ReferralStudio.Attribution;

namespace ReferralStudio.Storage;

/// <summary>
/// Which events are recorded already, for a session whose inserts do not answer (<see cref="IWriterSession.DefersInserts"/>):
/// a batch's keys are read ahead in one query, and the events this transaction records are added as it goes. Only
/// the processor that leads records events, so what it read stays true until its transaction ends.
/// </summary>
internal sealed class RecordedEvents(IWriterSession session) : IDisposable
{
    private readonly IStatement _select = session.Prepare("SELECT 1 FROM WebhookEvents WHERE DedupKey = $key", "$key");
    private readonly IStatement _selectAny = session.Prepare($"SELECT DedupKey FROM WebhookEvents WHERE DedupKey {session.AnyOf("$keys")}", "$keys");
    private readonly Dictionary<string, bool> _known = new(StringComparer.Ordinal);
    private readonly List<string> _toRead = [];

    /// <summary>Reads whether each event of <paramref name="deliveries"/> is recorded, in one query.</summary>
    public void ReadAhead(IReadOnlyList<ParsedDelivery> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            foreach (var parsed in delivery.Result.Events)
            {
                if (_known.TryAdd(parsed.DedupKey, false))
                {
                    _toRead.Add(parsed.DedupKey);
                }
            }
        }

        if (_toRead.Count == 0)
        {
            return;
        }

        try
        {
            _selectAny.Bind(1, _toRead);
            while (_selectAny.Step())
            {
                _known[_selectAny.GetString(0)!] = true;
            }
        }
        catch
        {
            // Not read: asked one by one when applied.
            foreach (var key in _toRead)
            {
                _known.Remove(key);
            }

            throw;
        }
        finally
        {
            _selectAny.Reset();
            _toRead.Clear();
        }
    }

    public bool IsRecorded(string dedupKey)
    {
        if (!_known.TryGetValue(dedupKey, out var recorded))
        {
            _select.Bind(1, dedupKey);
            try
            {
                recorded = _select.Step();
            }
            finally
            {
                _select.Reset();
            }

            _known[dedupKey] = recorded;
        }

        return recorded;
    }

    public void Recorded(string dedupKey) => _known[dedupKey] = true;

    /// <summary>The transaction ended: what it recorded is the database's to tell again.</summary>
    public void Clear() => _known.Clear();

    public void Dispose()
    {
        _select.Dispose();
        _selectAny.Dispose();
    }
}
