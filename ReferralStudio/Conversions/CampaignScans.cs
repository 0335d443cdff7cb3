using System.Data.Common;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Triggers;

namespace ReferralStudio.Conversions;

/// <summary>
/// What a report needs to count the funnel's first step: the business days its range touches (scans are counted per
/// day, so a range that starts or ends inside a day counts that whole day) and the triggers scanned codes match now.
/// </summary>
public sealed record ScanScope(DateOnly? FirstDay, DateOnly? LastDay, TriggerCatalog.Snapshot Triggers);

/// <summary>
/// The funnel's first step: scans of trackable links, counted for the code each link led to when scanned and credited to
/// the trigger that code fires on the link's platform, as a touch with that code would be.
/// </summary>
public sealed class CampaignScans(BusinessDay days, TriggerCatalog triggers)
{
    /// <summary>The scope of a report over [<paramref name="since"/>, <paramref name="until"/>); null ends are open.</summary>
    public ScanScope Scope(DateTimeOffset? since, DateTimeOffset? until) =>
        new(since is { } s ? days.DayOf(s) : null, until is { } u ? days.DayOf(u.AddTicks(-1)) : null, triggers.Current);

    /// <summary>Scans per code and trigger in the scope's days: (trigger id, code as the link spells it, scans).</summary>
    internal static async Task<List<(long? TriggerId, string Code, long Scans)>> ReadAsync(
        DbConnection connection, DbTransaction transaction, ScanScope scope, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var postgres = connection.IsPostgres();
        var first = postgres ? "@first" : "$first";
        var last = postgres ? "@last" : "$last";
        command.CommandText = $"""
            SELECT Platform, Code, SUM(Scans) FROM LinkScanDays
            WHERE Day >= {first} AND Day <= {last}
            GROUP BY Platform, Code
            """;
        // Dates compare as dates on PostgreSQL and as ISO text on SQLite (the column's stored form).
        object Day(DateOnly day) => postgres ? day : day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        command.AddParameter("$first", Day(scope.FirstDay ?? DateOnly.MinValue));
        command.AddParameter("$last", Day(scope.LastDay ?? DateOnly.MaxValue));
        var scans = new Dictionary<(long? TriggerId, string Code), long>(SameCode.Instance);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var code = reader.GetString(1);
                var match = scope.Triggers.Matcher.Match(reader.GetString(0), code, null);
                long? triggerId = match is { } found && scope.Triggers.Triggers.ContainsKey(found.Trigger.Id) ? found.Trigger.Id : null;
                var key = (triggerId, code);
                scans[key] = scans.GetValueOrDefault(key) + reader.GetInt64(2);
            }
        }

        return [.. scans.Select(s => (s.Key.TriggerId, s.Key.Code, s.Value))];
    }

    /// <summary>A trigger and a code in any case, as campaign keys compare refs.</summary>
    private sealed class SameCode : IEqualityComparer<(long? TriggerId, string Code)>
    {
        public static readonly SameCode Instance = new();

        public bool Equals((long? TriggerId, string Code) x, (long? TriggerId, string Code) y) =>
            x.TriggerId == y.TriggerId && string.Equals(x.Code, y.Code, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((long? TriggerId, string Code) key) => HashCode.Combine(key.TriggerId, StringComparer.OrdinalIgnoreCase.GetHashCode(key.Code));
    }
}
