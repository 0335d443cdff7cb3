namespace ReferralStudio.Conversions;

/// <summary>The two attribution models campaign analytics compares; stored as an integer.</summary>
public enum AttributionModel
{
    First = 0,
    Last = 1,
}

/// <summary>
/// A campaign as the analytics group it: the trigger, ref and ad id of a credited touch, one row per
/// combination with the ref compared ignoring case (the report's grouping). Rows are only ever added,
/// so an id names the same key for the life of the database.
/// </summary>
public sealed class CampaignKey
{
    public long Id { get; set; }
    public long? TriggerId { get; set; }
    public string? Ref { get; set; }
    public string? AdId { get; set; }
}

/// <summary>
/// Campaign analytics for one UTC day, one model and one key, maintained in the transactions that change
/// the base tables (see <see cref="CampaignRollup"/>): conversations whose credited touch happened that day
/// with that key, how many of them have a conversion credited to that touch, the conversions that
/// happened that day credited to a touch with that key, with their value, and the campaign touches with that key
/// that day (the same under both models: the funnel's middle step).
/// </summary>
public sealed class CampaignDay
{
    public AttributionModel Model { get; set; }
    /// <summary>Midnight UTC starting the day.</summary>
    public DateTimeOffset Start { get; set; }
    public long KeyId { get; set; }
    public int Conversations { get; set; }
    public int Converted { get; set; }
    public int Conversions { get; set; }
    public double Value { get; set; }
    public int Touches { get; set; }
}

/// <summary>The same figures as <see cref="CampaignDay"/> per UTC hour, for the ends of a range that is not day-aligned.</summary>
public sealed class CampaignHour
{
    public AttributionModel Model { get; set; }
    /// <summary>The start of the hour (UTC).</summary>
    public DateTimeOffset Start { get; set; }
    public long KeyId { get; set; }
    public int Conversations { get; set; }
    public int Converted { get; set; }
    public int Conversions { get; set; }
    public double Value { get; set; }
    public int Touches { get; set; }
}

/// <summary>
/// Campaign touches per UTC quarter hour and trigger (<see cref="CampaignRollup.NoTrigger"/> for none), for charts per
/// day in the business's time zone: every zone's days start on a quarter hour of UTC. Touches are only ever added to a
/// quarter, except when their conversations are deleted (see <see cref="CampaignRollup"/>).
/// </summary>
public sealed class TouchQuarter
{
    /// <summary>The start of the quarter hour (UTC).</summary>
    public DateTimeOffset Start { get; set; }
    /// <summary>The trigger the touches fired, or <see cref="CampaignRollup.NoTrigger"/>; a deleted trigger keeps its id here as on the touches.</summary>
    public long TriggerId { get; set; }
    public int Touches { get; set; }
}

/// <summary>
/// How many times the rollup rows of one bucket (a UTC hour in <see cref="CampaignHour"/> or a day in <see cref="CampaignDay"/>,
/// told apart by <see cref="Size"/>) have changed: bumped in the transaction of every change to them (see
/// <see cref="CampaignRollup"/>) and never removed, so rows read at one version are the bucket's rows for as long as the
/// version stands (<see cref="CampaignRollupCache"/> keeps them). Every bucket with rollup rows has one.
/// </summary>
public sealed class CampaignVersion
{
    /// <summary>The bucket's length in milliseconds: <see cref="CampaignRollup.HourMs"/> or <see cref="CampaignRollup.DayMs"/>.</summary>
    public long Size { get; set; }
    /// <summary>The start of the bucket (UTC).</summary>
    public DateTimeOffset Start { get; set; }
    public long Version { get; set; }
}
