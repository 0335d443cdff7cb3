namespace ReferralStudio.Conversions;

/// <summary>
/// Hours and days of the campaign rollup (<see cref="CampaignHour"/> and <see cref="CampaignDay"/> rows, per model) kept in
/// memory with the version they were read at (<see cref="CampaignVersion"/>). A report reads the versions of its buckets and
/// then only the buckets whose version moved: the processor changes the current hour and day with every batch and an
/// older one only when a conversation's credited touch or a conversion lands there, so closed hours and days are read
/// from the database once. Buckets used longest ago go first once more than <see cref="Limit"/> rows are kept. One per
/// database (a singleton in the app); safe across threads.
/// </summary>
public sealed class CampaignRollupCache(int limit = CampaignRollupCache.RowLimit)
{
    /// <summary>About 32 MB of rows: a month of a million touches is about 200,000 day rows and twice that in hours.</summary>
    public const int RowLimit = 1_000_000;

    /// <summary>The most rows kept at once.</summary>
    public int Limit { get; } = limit;

    private readonly Lock _gate = new();
    private readonly Dictionary<(CampaignSource Source, AttributionModel Model, long Start), Entry> _buckets = [];
    private long _rows;
    private long _clock;

    private sealed class Entry(long version, CampaignRollupRow[] rows)
    {
        public long Version { get; } = version;
        public CampaignRollupRow[] Rows { get; } = rows;
        public long LastUsed { get; set; }
    }

    /// <summary>How many rows are kept.</summary>
    public long Rows
    {
        get
        {
            lock (_gate)
            {
                return _rows;
            }
        }
    }

    /// <summary>The bucket's rows if they were kept at <paramref name="version"/>.</summary>
    public CampaignRollupRow[]? Find(CampaignSource source, AttributionModel model, long start, long version)
    {
        lock (_gate)
        {
            if (!_buckets.TryGetValue((source, model, start), out var entry) || entry.Version != version)
            {
                return null;
            }

            entry.LastUsed = ++_clock;
            return entry.Rows;
        }
    }

    /// <summary>Keeps a bucket's rows as read at <paramref name="version"/>, unless a later version is kept already.</summary>
    public void Keep(CampaignSource source, AttributionModel model, long start, long version, CampaignRollupRow[] rows)
    {
        lock (_gate)
        {
            if (_buckets.TryGetValue((source, model, start), out var kept))
            {
                if (kept.Version > version)
                {
                    return;
                }

                _rows -= kept.Rows.Length;
            }

            _buckets[(source, model, start)] = new Entry(version, rows) { LastUsed = ++_clock };
            _rows += rows.Length;
            if (_rows > Limit)
            {
                Evict();
            }
        }
    }

    /// <summary>Down to three quarters of the limit, buckets used longest ago first, so eviction is not paid on every keep.</summary>
    private void Evict()
    {
        foreach (var (key, entry) in _buckets.OrderBy(b => b.Value.LastUsed).ToList())
        {
            if (_rows <= Limit * 3L / 4)
            {
                return;
            }

            _buckets.Remove(key);
            _rows -= entry.Rows.Length;
        }
    }
}

/// <summary>
/// One rollup row as a report adds it: the key id and conversations packed in one integer, converted conversations and
/// conversions in another (counts are never negative; ids and counts fit in 31 bits), the value and the touches.
/// </summary>
public readonly record struct CampaignRollupRow(long KeyAndConversations, long ConvertedAndConversions, double Value, int Touches);
