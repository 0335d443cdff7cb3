using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;

namespace ReferralStudio.Insight;

/// <summary>
/// The feed's search box. A fragment of at least <see cref="MinFragment"/> characters matches, ignoring case, anywhere in
/// the participant's display name or username or in the touch's ref, and exactly a participant, ad or account id (as the
/// search did before it matched fragments). A shorter text is a ref prefix: a trigram index cannot look up fewer than three
/// characters, and one or two letters occur in most names.
/// </summary>
/// <remarks>
/// Names are looked up in <c>ConversationSearch</c>, an FTS5 trigram index over the conversations' name and username
/// (case-insensitive), and refs in <c>FeedRefs</c>, every distinct ref (a few thousand, scanned with LIKE: valid refs are
/// ASCII, which is all LIKE folds). Triggers keep both current for every writer of Conversations and ReferralTouches
/// (migration <c>FeedSearch</c>). A fragment can match a handful of touches or most of them, so the newest-first page
/// picks its plan by how many match, as the ref prefix does (<see cref="SearchPlan"/>).
/// </remarks>
internal static class FeedSearch
{
    public const int MinFragment = 3;

    /// <summary>How a newest-first page with a search fragment is read; both give the same rows in the same order.</summary>
    internal enum SearchPlan
    {
        /// <summary>
        /// Each way to match read from its own index with OccurredAt (the matching conversations' touches, the matching
        /// refs' touches, each id), merged and sorted by time: the ids of the page come from the indexes alone, then the
        /// page's rows by id. With a platform, trigger, ref or arrival filter every match is read to check it. Cost grows
        /// with the number of matches.
        /// </summary>
        ByMatch,

        /// <summary>
        /// The time index (or the platform's or trigger's) newest first, each touch checked against the matching
        /// conversations and refs, stopping after skip + take matches. Cost grows with (skip + take) / share of touches matching.
        /// </summary>
        NewestFirst,
    }

    /// <summary>The search text when it is a fragment (at least <see cref="MinFragment"/> characters), else null.</summary>
    public static string? Fragment(FeedFilter filter) =>
        filter.Search is { } search && Characters(search) >= MinFragment ? search : null;

    /// <summary>The search text when it is too short for a fragment (it searches as a ref prefix), else null.</summary>
    public static string? ShortSearch(FeedFilter filter) =>
        filter.Search is { } search && Characters(search) < MinFragment ? search : null;

    // Trigrams are of Unicode characters, not UTF-16 units.
    private static int Characters(string text) => text.EnumerateRunes().Count();

    /// <summary>Conversations whose display name or username contains $phrase.</summary>
    private const string ConversationMatches = """
        "ConversationId" IN (SELECT rowid FROM "ConversationSearch" WHERE "ConversationSearch" MATCH $phrase)
        """;

    /// <summary>Refs containing $like's text ('\' escapes LIKE's wildcards); the IN compares NOCASE, as the Ref column does.</summary>
    private const string RefMatches = """
        "Ref" IN (SELECT "Ref" FROM "FeedRefs" WHERE "Ref" LIKE $like ESCAPE '\')
        """;

    /// <summary>Every way a touch matches, each served by an index that ends with OccurredAt.</summary>
    private static readonly string[] Ways =
    [
        ConversationMatches,
        RefMatches,
        "\"ParticipantId\" = $search",
        "\"AdId\" = $search",
        "\"AccountId\" = $search",
    ];

    private static readonly string MatchesSql = "(" + string.Join(" OR ", Ways) + ")";

    /// <summary>
    /// The touches matching <paramref name="search"/> (no other filter), read through <paramref name="index"/>
    /// (<c>INDEXED BY</c>) or, when null, as SQLite's planner likes.
    /// </summary>
    public static IQueryable<ReferralTouch> Matching(AppDbContext db, string search, string? index) =>
        FeedQuery.Through(db, $"""SELECT * FROM "ReferralTouches"{(index is null ? "" : $" INDEXED BY \"{index}\"")} WHERE {MatchesSql}""", Parameters(search));

    /// <summary>A newest-first page of touches matching the search and the filter's other filters.</summary>
    public static async Task<(List<FeedRow> Rows, int Total, bool More)> PageAsync(AppDbContext db, FeedFilter filter, string search, int skip, int take, CancellationToken cancellationToken)
    {
        var (matches, plan) = await ChoosePlanAsync(db, filter, search, skip, take, cancellationToken);
        var rows = await PageAsync(db, filter, search, plan, skip, take, cancellationToken);
        if (!HasRowFilters(filter))
        {
            // Without other filters every match counted is a touch of the feed.
            return (rows, Math.Min(matches, FeedQuery.CountCap), matches > FeedQuery.CountCap);
        }

        var touches = plan == SearchPlan.ByMatch ? Candidates(db, filter, search) : Dense(db, filter, search);
        var total = await FeedQuery.CountUpToAsync(FeedQuery.Filters(touches, filter), FeedQuery.CountCap + 1, cancellationToken);
        return (rows, Math.Min(total, FeedQuery.CountCap), total > FeedQuery.CountCap);
    }

    /// <summary>
    /// Counts the touches matching the search in the date range (each once, from the indexes alone), up to the plan
    /// threshold, and picks the cheaper plan. The threshold is <see cref="FeedQuery.DenseFactor"/> matches per row up
    /// to the end of the page, as for a ref prefix; with filters that need each match's row it is the count cap.
    /// </summary>
    internal static async Task<(int Matches, SearchPlan Plan)> ChoosePlanAsync(AppDbContext db, FeedFilter filter, string search, int skip, int take, CancellationToken cancellationToken)
    {
        var cap = HasRowFilters(filter)
            ? FeedQuery.CountCap
            : (int)Math.Clamp(FeedQuery.DenseFactor * ((long)skip + take), FeedQuery.CountCap, int.MaxValue - 1);
        var sql = $"""SELECT COUNT(*) AS "Value" FROM (SELECT DISTINCT "Id" FROM ({Branches(filter, "\"Id\"", " UNION ALL ")}) LIMIT $limit)""";
        var matches = await db.Database.SqlQueryRaw<int>(sql, [.. Parameters(search, filter), new SqliteParameter("$limit", cap + 1)])
            .SingleAsync(cancellationToken);
        return (matches, matches > cap ? SearchPlan.NewestFirst : SearchPlan.ByMatch);
    }

    /// <summary>The rows of one newest-first page of a search, read with <paramref name="plan"/>.</summary>
    internal static async Task<List<FeedRow>> PageAsync(AppDbContext db, FeedFilter filter, string search, SearchPlan plan, int skip, int take, CancellationToken cancellationToken = default)
    {
        if (plan == SearchPlan.NewestFirst)
        {
            return await FeedQuery.Project(db, FeedQuery.Newest(FeedQuery.Filters(Dense(db, filter, search), filter))).Skip(skip).Take(take).ToListAsync(cancellationToken);
        }

        List<long> ids;
        if (HasRowFilters(filter))
        {
            ids = await FeedQuery.Newest(FeedQuery.Filters(Candidates(db, filter, search), filter)).Skip(skip).Take(take).Select(t => t.Id).ToListAsync(cancellationToken);
        }
        else
        {
            // UNION: a touch that matches two ways (its ref and its name) is one row.
            var sql = $"""
                SELECT "Id" AS "Value" FROM ({Branches(filter, "\"Id\", \"OccurredAt\"", " UNION ")})
                ORDER BY "OccurredAt" DESC, "Id" DESC LIMIT $take OFFSET $skip
                """;
            ids = await db.Database.SqlQueryRaw<long>(sql, [.. Parameters(search, filter), new SqliteParameter("$take", take), new SqliteParameter("$skip", skip)])
                .ToListAsync(cancellationToken);
        }

        return await FeedQuery.RowsOfAsync(db, ids, cancellationToken);
    }

    /// <summary>
    /// Platform, trigger, ref prefix and arrival are only known from a touch's row (or an index of their own); the date
    /// range is not among them: every index a match is read from ends with OccurredAt.
    /// </summary>
    private static bool HasRowFilters(FeedFilter filter) =>
        filter.Platform is not null || filter.TriggerId is not null || filter.RefPrefix is not null || filter.Arrival is not null;

    /// <summary>The matching touches in the date range, by id (a row lookup each, not an index walk): the by-match plan's candidates.</summary>
    private static IQueryable<ReferralTouch> Candidates(AppDbContext db, FeedFilter filter, string search) =>
        FeedQuery.Through(db, $"""SELECT * FROM "ReferralTouches" NOT INDEXED WHERE "Id" IN (SELECT "Id" FROM ({Branches(filter, "\"Id\"", " UNION ALL ")}))""",
            Parameters(search, filter));

    /// <summary>
    /// The matching touches through the index a newest-first walk of the filter uses: the trigger's or the platform's
    /// (each holds OccurredAt next), else the time index. The planner alone would take the ways' own indexes (it
    /// guesses an IN list is short), which reads every match.
    /// </summary>
    private static IQueryable<ReferralTouch> Dense(AppDbContext db, FeedFilter filter, string search) =>
        Matching(db, search, filter.TriggerId is not null ? FeedQuery.TriggerIndex : filter.Platform is not null ? FeedQuery.PlatformIndex : FeedQuery.OccurredAtIndex);

    /// <summary>Each way to match as its own SELECT of <paramref name="columns"/>, restricted to the date range, joined by <paramref name="compound"/>.</summary>
    private static string Branches(FeedFilter filter, string columns, string compound)
    {
        var range = (filter.Since is null ? "" : " AND \"OccurredAt\" >= $since") + (filter.Until is null ? "" : " AND \"OccurredAt\" < $until");
        return string.Join(compound, Ways.Select(way => $"""SELECT {columns} FROM "ReferralTouches" WHERE {way}{range}"""));
    }

    /// <summary>The search's parameters (new objects per query: a parameter belongs to one command), and the date range's.</summary>
    private static object[] Parameters(string search, FeedFilter? filter = null)
    {
        List<object> parameters =
        [
            // A phrase of the fragment's trigrams, each '"' doubled: a substring match whatever the text holds.
            new SqliteParameter("$phrase", "\"" + search.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""),
            new SqliteParameter("$like", "%" + EscapeLike(search) + "%"),
            new SqliteParameter("$search", search),
        ];
        if (filter?.Since is { } since)
        {
            parameters.Add(new SqliteParameter("$since", UnixMs.From(since)));
        }

        if (filter?.Until is { } until)
        {
            parameters.Add(new SqliteParameter("$until", UnixMs.From(until)));
        }

        return [.. parameters];
    }

    private static string EscapeLike(string text)
    {
        var escaped = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (c is '%' or '_' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
