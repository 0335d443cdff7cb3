namespace ReferralStudio.Hosting;

/// <summary>
/// How quickly leadership moves between instances on PostgreSQL (section <c>Leadership</c>). Each is at most
/// <see cref="Longest"/>: another instance is to take over within about that time of the leader dying, and the old leader
/// to have stopped its work by then.
/// </summary>
public sealed class LeadershipOptions
{
    public const string Section = "Leadership";

    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(10);

    /// <summary>How often an instance that does not lead tries for leadership.</summary>
    public TimeSpan RetryEvery { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the leader checks that the database session holding its leadership still answers.</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(2);

    internal IEnumerable<string?> Rules() =>
    [
        OptionsRules.PositiveUpTo(RetryEvery, Longest, $"{Section}:RetryEvery"),
        OptionsRules.PositiveUpTo(CheckEvery, Longest, $"{Section}:CheckEvery"),
    ];
}
