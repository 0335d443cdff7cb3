using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Api;
using ReferralStudio.Data;

namespace ReferralStudio.Insight;

/// <summary>The attribution feed's filters; the same filter drives the grid and the CSV export.</summary>
public sealed record FeedFilter(
    string? Platform = null,
    long? TriggerId = null,
    string? RefPrefix = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    string? Arrival = null,
    string? Search = null)
{
    public static readonly string[] Arrivals = ["standalone", "first_message", "postback", "ad", "prefilled_text"];

    /// <summary>The longest search text accepted: longer ones name no person nor code.</summary>
    public const int MaxSearchLength = 200;

    /// <summary>Reads the filter from a query string (the feed's URL and the export link share it).</summary>
    public static (FeedFilter Filter, FieldErrors Errors) Read(IQueryCollection query)
    {
        var errors = new FieldErrors();
        var platform = errors.Platform("platform", query["platform"]);
        long? trigger = null;
        if (query["trigger"].ToString() is { Length: > 0 } t)
        {
            if (long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                trigger = id;
            }
            else
            {
                errors.Add("trigger", "trigger must be a trigger id.");
            }
        }

        var arrival = query["arrival"].ToString();
        if (arrival.Length > 0 && !Arrivals.Contains(arrival))
        {
            errors.Add("arrival", $"arrival must be one of {string.Join(", ", Arrivals)}.");
        }

        var search = Blank(query["q"]);
        if (search is { Length: > MaxSearchLength })
        {
            errors.Add("q", $"q must be at most {MaxSearchLength} characters (it is {search.Length}).");
            search = null;
        }

        var filter = new FeedFilter(platform, trigger, Blank(query["ref"]), errors.Time("since", query["since"]), errors.Time("until", query["until"]),
            arrival.Length == 0 ? null : arrival, search);
        return (filter, errors);
    }

    public string ToQueryString()
    {
        var parts = new Dictionary<string, string?>
        {
            ["platform"] = Platform,
            ["trigger"] = TriggerId?.ToString(CultureInfo.InvariantCulture),
            ["ref"] = RefPrefix,
            ["since"] = Since?.ToString("O", CultureInfo.InvariantCulture),
            ["until"] = Until?.ToString("O", CultureInfo.InvariantCulture),
            ["arrival"] = Arrival,
            ["q"] = Search,
        };
        return string.Join("&", parts.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}"));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>
/// One referral touch in the feed, with who it came from (the conversation's display name and username, as Meta last
/// sent them) and the business account it reached (its handle when the account is set up under Accounts).
/// </summary>
public sealed record FeedRow(
    long TouchId,
    long ConversationId,
    DateTimeOffset OccurredAt,
    string Platform,
    string AccountId,
    string? AccountHandle,
    string ParticipantId,
    string? ParticipantName,
    string? ParticipantUsername,
    string? Ref,
    string? AdId,
    string? Source,
    string Arrival,
    long? TriggerId,
    string? TriggerName,
    bool CampaignTouch,
    bool Passive,
    bool Simulated);

/// <summary>
/// The feed's queries. Every filter maps to an indexed column of ReferralTouches (platform, trigger, ref,
/// participant and time each have an index with OccurredAt), so a page is cheap on millions of rows. A ref
/// prefix alone can match anything from a handful to most touches, so its newest-first page picks its plan by
/// how many match (<see cref="PrefixPlan"/>); so does a search (<see cref="FeedSearch"/>).
/// </summary>
public static class FeedQuery
{
    public const string DefaultSort = "OccurredAt desc";

    /// <summary>The touches <paramref name="filter"/> selects, in no particular order (the CSV export's and the other sorts' query).</summary>
    public static IQueryable<ReferralTouch> Apply(AppDbContext db, FeedFilter filter) =>
        FeedSearch.Fragment(filter) is { } search
            ? Filters(FeedSearch.Matching(db, search, index: null), filter, db.IsPostgres())
            : Filters(db.ReferralTouches.AsNoTracking(), filter, db.IsPostgres());

    /// <summary>
    /// Every filter but a search fragment, which the caller's <paramref name="touches"/> must already apply
    /// (<see cref="FeedSearch.Matching"/>); a search too short for a fragment is a ref prefix. On PostgreSQL
    /// (<paramref name="postgres"/>) a prefix is <c>lower(ref) LIKE 'prefix%'</c>, which its <c>lower(ref) text_pattern_ops</c> index serves.
    /// </summary>
    internal static IQueryable<ReferralTouch> Filters(IQueryable<ReferralTouch> touches, FeedFilter f, bool postgres)
    {
        if (f.Platform is { } platform)
        {
            touches = touches.Where(t => t.Platform == platform);
        }

        if (f.TriggerId is { } trigger)
        {
            touches = touches.Where(t => t.TriggerId == trigger);
        }

        foreach (var prefix in (string?[])[f.RefPrefix, FeedSearch.ShortSearch(f)])
        {
            if (prefix is not null && postgres)
            {
                var pattern = EscapeLike(prefix.ToLowerInvariant()) + "%";
                touches = touches.Where(t => EF.Functions.Like(t.Ref!.ToLower(), pattern, "\\"));
            }
            else if (prefix is not null)
            {
                // A range on the NOCASE-collated column, so the index serves the prefix search ('_' is no wildcard here).
                var end = prefix + "~";
                touches = touches.Where(t => string.Compare(t.Ref, prefix) >= 0 && string.Compare(t.Ref, end) < 0);
            }
        }

        if (f.Since is { } since)
        {
            touches = touches.Where(t => t.OccurredAt >= since);
        }

        if (f.Until is { } until)
        {
            touches = touches.Where(t => t.OccurredAt < until);
        }

        if (f.Arrival is { } arrival)
        {
            touches = touches.Where(t => t.Arrival == arrival);
        }

        return touches;
    }

    /// <summary><paramref name="text"/> matching itself in a LIKE with '\' as the escape character.</summary>
    internal static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    public static IQueryable<FeedRow> Rows(AppDbContext db, FeedFilter filter, string? sort)
    {
        var touches = Apply(db, filter);
        var postgres = db.IsPostgres();
        touches = (sort ?? DefaultSort) switch
        {
            "OccurredAt asc" => touches.OrderBy(t => t.OccurredAt).ThenBy(t => t.Id),
            // PostgreSQL in SQLite's NOCASE order: NULLs first, then lower(ref) by bytes (no NOCASE, and its collation may be a language's).
            "Ref asc" when postgres => touches.OrderBy(t => t.Ref != null).ThenBy(t => EF.Functions.Collate(t.Ref!.ToLower(), "C")).ThenByDescending(t => t.Id),
            "Ref desc" when postgres => touches.OrderByDescending(t => t.Ref != null).ThenByDescending(t => EF.Functions.Collate(t.Ref!.ToLower(), "C")).ThenByDescending(t => t.Id),
            "Ref asc" => touches.OrderBy(t => t.Ref).ThenByDescending(t => t.Id),
            "Ref desc" => touches.OrderByDescending(t => t.Ref).ThenByDescending(t => t.Id),
            "Platform asc" => touches.OrderBy(t => t.Platform).ThenByDescending(t => t.OccurredAt),
            "Platform desc" => touches.OrderByDescending(t => t.Platform).ThenByDescending(t => t.OccurredAt),
            _ => Newest(touches),
        };
        return Project(db, touches);
    }

    /// <summary>
    /// The feed counts matching touches up to this many. An exact COUNT(*) walks every matching index
    /// entry (hundreds of milliseconds for "instagram" on a million touches); a capped count stops early.
    /// </summary>
    public const int CountCap = 10_000;

    /// <summary>A page of rows, the number of matching touches up to <see cref="CountCap"/>, and whether there are more.</summary>
    public static async Task<(List<FeedRow> Rows, int Total, bool More)> PageAsync(AppDbContext db, FeedFilter filter, string? sort, int skip, int take, CancellationToken cancellationToken)
    {
        // Two characters or fewer search as a ref prefix: with no other prefix, the prefix's own plans serve it.
        if (FeedSearch.ShortSearch(filter) is { } shortSearch && filter.RefPrefix is null)
        {
            filter = filter with { RefPrefix = shortSearch, Search = null };
        }

        if (FeedSearch.Fragment(filter) is { } search && (sort ?? DefaultSort) == DefaultSort)
        {
            return await FeedSearch.PageAsync(db, filter, search, skip, take, cancellationToken);
        }

        if (!ChoosesPrefixPlan(filter, sort))
        {
            var counted = await CountUpToAsync(Apply(db, filter), CountCap + 1, cancellationToken);
            var rows = await Rows(db, filter, sort).Skip(skip).Take(take).ToListAsync(cancellationToken);
            return (rows, Math.Min(counted, CountCap), counted > CountCap);
        }

        var (matches, plan) = await ChoosePrefixPlanAsync(db, filter, skip, take, cancellationToken);
        var page = await PrefixPageAsync(db, filter, plan, skip, take, cancellationToken);
        return (page, Math.Min(matches, CountCap), matches > CountCap);
    }

    /// <summary>
    /// Counts the matches (up to the plan threshold, at least <see cref="CountCap"/> + 1, so the count shown is
    /// the same either way) and picks the cheaper plan for the page.
    /// </summary>
    internal static async Task<(int Matches, PrefixPlan Plan)> ChoosePrefixPlanAsync(AppDbContext db, FeedFilter filter, int skip, int take, CancellationToken cancellationToken)
    {
        if (await IsSmallWindowAsync(db, filter, cancellationToken))
        {
            // Few touches in the date range: walking all of them is cheaper than reading every index entry of a
            // popular prefix, for the count as for the page.
            return (await CountUpToAsync(Filters(Through(db, ThroughOccurredAtIndex), filter, db.IsPostgres()), CountCap + 1, cancellationToken), PrefixPlan.NewestFirst);
        }

        var cap = PrefixCountCap(filter, skip, take, db.IsPostgres());
        var matches = await CountUpToAsync(Filters(Through(db, ThroughRefIndex), filter, db.IsPostgres()), cap + 1, cancellationToken);
        return (matches, matches > cap ? PrefixPlan.NewestFirst : PrefixPlan.ByRef);
    }

    /// <summary>
    /// Counts matching touches, stopping at <paramref name="limit"/>. The LIMIT is written around EF's SQL for the
    /// filter instead of going through <c>Take</c>: a Take without OrderBy logs EF's "row limiting operation without
    /// OrderBy" warning for every new filter shape, and any order would make SQLite sort every match before it could
    /// stop, the cost the cap is there to avoid. The inner query selects a constant, so it reads only the columns
    /// the filter needs, which an index usually holds (EF Core 6 selected every column for Take(n).Count(),
    /// dotnet/efcore#29667).
    /// </summary>
    internal static async Task<int> CountUpToAsync(IQueryable<ReferralTouch> touches, int limit, CancellationToken cancellationToken)
    {
        await using var command = touches.Select(t => 1).CreateDbCommand();
        // PostgreSQL 15 wants the subquery named; SQLite's text stays as measured.
        command.CommandText = command.IsPostgres()
            ? $"SELECT COUNT(*) FROM ({command.CommandText} LIMIT {limit}) AS c"
            : $"SELECT COUNT(*) FROM ({command.CommandText} LIMIT {limit})";
        var connection = command.Connection!;
        var open = connection.State == System.Data.ConnectionState.Open;
        if (!open)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        finally
        {
            if (!open)
            {
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>How a newest-first page with a ref prefix is read; both give the same rows in the same order.</summary>
    internal enum PrefixPlan
    {
        /// <summary>
        /// The prefix's range of <c>IX_ReferralTouches_Ref_OccurredAt</c>, sorted by time: the ids of the page come
        /// from the index alone (unless the arrival filter needs the row), then the page's rows by id. The index holds each
        /// ref's touches newest first, so once the sort holds skip + take ids most entries are dropped after one
        /// comparison. Cost grows with the number of matches.
        /// </summary>
        ByRef,

        /// <summary>
        /// <c>IX_ReferralTouches_OccurredAt</c> newest first, each touch checked against the prefix, stopping after
        /// skip + take matches. Cost grows with the touches walked past (a row lookup each), that is
        /// with (skip + take) / share of touches matching.
        /// </summary>
        NewestFirst,
    }

    /// <summary>
    /// A prefix matching more than this many touches per row up to the end of the page is read newest first:
    /// walking the time index then passes at most 1/factor of the touches, while the by-ref plan below the threshold
    /// sorts at most factor matches per row wanted. Both cost about the same at the threshold on the 1,000,000-touch
    /// benchmark: 50 on SQLite; 20 on PostgreSQL, whose index entries cost more to count and sort than its newest-first
    /// walk costs per touch (bench/RESULTS.md).
    /// </summary>
    internal static int DenseFactor(bool postgres) => postgres ? 20 : 50;

    internal const string RefIndex = "IX_ReferralTouches_Ref_OccurredAt";
    internal const string OccurredAtIndex = "IX_ReferralTouches_OccurredAt";
    internal const string PlatformIndex = "IX_ReferralTouches_Platform_OccurredAt";
    internal const string TriggerIndex = "IX_ReferralTouches_TriggerId_OccurredAt";
    private const string ThroughRefIndex = "SELECT * FROM \"ReferralTouches\" INDEXED BY \"" + RefIndex + "\"";
    private const string ThroughOccurredAtIndex = "SELECT * FROM \"ReferralTouches\" INDEXED BY \"" + OccurredAtIndex + "\"";

    /// <summary>
    /// The plan choice applies to the default order with a ref prefix and no equality filter or search. Platform and
    /// trigger each have an (X, OccurredAt) index that SQLite already walks newest first, with no sort; a search has
    /// plans of its own (<see cref="FeedSearch"/>), and a short one is a prefix already.
    /// </summary>
    internal static bool ChoosesPrefixPlan(FeedFilter filter, string? sort) =>
        filter.RefPrefix is not null && filter.Platform is null && filter.TriggerId is null && filter.Search is null
        && (sort ?? DefaultSort) == DefaultSort;

    /// <summary>
    /// How far the count goes: past <see cref="CountCap"/> up to the plan threshold while the (Ref, OccurredAt)
    /// index alone answers it (cheap per match); with the arrival filter every match costs a row lookup,
    /// so the count stops at the cap and more than <see cref="CountCap"/> matches count as dense.
    /// </summary>
    internal static int PrefixCountCap(FeedFilter filter, int skip, int take, bool postgres) =>
        filter.Arrival is null ? (int)Math.Clamp(DenseFactor(postgres) * ((long)skip + take), CountCap, int.MaxValue - 1) : CountCap;

    /// <summary>A date range holding at most this many touches (of any ref) is walked whole rather than searched by ref.</summary>
    internal const int SmallWindow = 20_000;

    /// <summary>Whether the filter has a date range with at most <see cref="SmallWindow"/> touches (counted on the time index alone).</summary>
    private static async Task<bool> IsSmallWindowAsync(AppDbContext db, FeedFilter filter, CancellationToken cancellationToken) =>
        (filter.Since is not null || filter.Until is not null)
        && await CountUpToAsync(Filters(db.ReferralTouches.AsNoTracking(), new FeedFilter(Since: filter.Since, Until: filter.Until), db.IsPostgres()), SmallWindow + 1, cancellationToken) <= SmallWindow;

    /// <summary>The rows of one newest-first page of a ref-prefix filter, read with <paramref name="plan"/>.</summary>
    internal static async Task<List<FeedRow>> PrefixPageAsync(AppDbContext db, FeedFilter filter, PrefixPlan plan, int skip, int take, CancellationToken cancellationToken = default)
    {
        if (FeedSearch.Fragment(filter) is not null)
        {
            throw new ArgumentException("Neither prefix plan applies a search fragment; FeedSearch's plans do.", nameof(filter));
        }

        if (plan == PrefixPlan.NewestFirst)
        {
            return await Project(db, Newest(Filters(Through(db, ThroughOccurredAtIndex), filter, db.IsPostgres()))).Skip(skip).Take(take).ToListAsync(cancellationToken);
        }

        var ids = await Newest(Filters(Through(db, ThroughRefIndex), filter, db.IsPostgres())).Skip(skip).Take(take).Select(t => t.Id).ToListAsync(cancellationToken);
        return await RowsOfAsync(db, ids, cancellationToken);
    }

    /// <summary>
    /// The rows of a page whose ids are known, newest first: by primary key, an IN list of at most one page. As one
    /// statement with the ids' query EF wrote this as a correlated EXISTS, which SQLite 3.50 ran once per touch (bench/RESULTS.md).
    /// </summary>
    internal static Task<List<FeedRow>> RowsOfAsync(AppDbContext db, List<long> ids, CancellationToken cancellationToken) =>
        Project(db, Newest(db.ReferralTouches.AsNoTracking().Where(t => ids.Contains(t.Id)))).ToListAsync(cancellationToken);

    /// <summary>
    /// The touches read through one index (SQLite's <c>INDEXED BY</c>: the statement fails if the index is
    /// missing, rather than silently changing plan). EF wraps it as a subquery that SQLite flattens.
    /// </summary>
    /// On PostgreSQL, which has no such hint, the index constants here read the table as its planner likes.
    internal static IQueryable<ReferralTouch> Through(AppDbContext db, string sql, params object[] parameters) =>
        db.IsPostgres() && sql is ThroughRefIndex or ThroughOccurredAtIndex
            ? db.ReferralTouches.AsNoTracking()
            : db.ReferralTouches.FromSqlRaw(sql, parameters).AsNoTracking();

    /// <summary>The feed's default order; the id breaks ties in time, so a page boundary never moves.</summary>
    internal static IQueryable<ReferralTouch> Newest(IQueryable<ReferralTouch> touches) =>
        touches.OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id);

    /// <summary>
    /// The rows as the feed shows them: the names, the account's handle and the trigger's name are one lookup each
    /// (primary key or unique index) per row read. The newest-first plans read only the page's rows.
    /// </summary>
    internal static IQueryable<FeedRow> Project(AppDbContext db, IQueryable<ReferralTouch> touches) =>
        touches.Select(t => new FeedRow(
            t.Id, t.ConversationId, t.OccurredAt, t.Platform, t.AccountId,
            db.BusinessAccounts.Where(a => a.Platform == t.Platform && a.AccountId == t.AccountId).Select(a => a.Handle).FirstOrDefault(),
            t.ParticipantId,
            db.Conversations.Where(c => c.Id == t.ConversationId).Select(c => c.ParticipantName).FirstOrDefault(),
            db.Conversations.Where(c => c.Id == t.ConversationId).Select(c => c.ParticipantUsername).FirstOrDefault(),
            t.Ref, t.AdId, t.Source, t.Arrival, t.TriggerId,
            db.Triggers.Where(tr => tr.Id == t.TriggerId).Select(tr => tr.Name).FirstOrDefault(),
            t.IsCampaignTouch, t.Passive, t.Simulated));
}
