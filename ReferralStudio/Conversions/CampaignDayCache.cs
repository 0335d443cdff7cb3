namespace ReferralStudio.Conversions;

/// <summary>
/// Days of the campaign rollup (<see cref="CampaignDay"/> rows, per model) kept in memory with the version they were read at
/// (<see cref="CampaignDayVersion"/>). A report reads the versions of its days and only the days whose version moved since:
/// the processor changes today's day with every batch and an older one only when a conversation's credited touch or a
/// conversion lands there, so a range of closed days is read from the database once. Days used longest ago go first once
/// more than <see cref="RowLimit"/> rows are kept. One per database (a singleton in the app); safe across threads.
/// </summary>
public sealed class CampaignDayCache
{
    /// <summary>About 32 MB of rows: a month of a million touches is about 200,000.</summary>
    public const int RowLimit = 1_000_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<(AttributionModel Model, long Day), Entry> _days = [];
    private long _rows;
    private long _clock;

    private sealed class Entry(long version, CampaignDayRow[] rows)
    {
        public long Version { get; } = version;
        public CampaignDayRow[] Rows { get; } = rows;
        public long LastUsed { get; set; }
    }

    /// <summary>The day's rows if they were kept at <paramref name="version"/>.</summary>
    public CampaignDayRow[]? Find(AttributionModel model, long day, long version)
    {
        lock (_gate)
        {
            if (!_days.TryGetValue((model, day), out var entry) || entry.Version != version)
            {
                return null;
            }

            entry.LastUsed = ++_clock;
            return entry.Rows;
        }
    }

    /// <summary>Keeps a day's rows as read at <paramref name="version"/>, unless a later version is already kept.</summary>
    public void Keep(AttributionModel model, long day, long version, CampaignDayRow[] rows)
    {
        lock (_gate)
        {
            if (_days.TryGetValue((model, day), out var kept))
            {
                if (kept.Version > version)
                {
                    return;
                }

                _rows -= kept.Rows.Length;
            }

            _days[(model, day)] = new Entry(version, rows) { LastUsed = ++_clock };
            _rows += rows.Length;
            if (_rows > RowLimit)
            {
                Evict();
            }
        }
    }

    /// <summary>How many rows are kept (for tests and the benchmark).</summary>
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

    private void Evict()
    {
        foreach (var (key, entry) in _days.OrderBy(d => d.Value.LastUsed).ToList())
        {
            if (_rows <= RowLimit * 3L / 4)
            {
                return;
            }

            _days.Remove(key);
            _rows -= entry.Rows.Length;
        }
    }
}

/// <summary>
/// One rollup row as a report adds it: the key id and conversations packed in one integer, converted conversations and
/// conversions in another (counts are never negative; ids and counts fit in 31 bits), the value and the touches.
/// </summary>
public readonly record struct CampaignDayRow(long KeyAndConversations, long ConvertedAndConversions, double Value, int Touches);
