using System.Text;
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
/// ASCII, which is all LIKE folds). The writers of Conversations and ReferralTouches keep both current
/// (<see cref="Storage.Sqlite.FeedSearchIndex"/>). A fragment can match a handful of touches or most of them, so the newest-first page
/// picks its plan by how many match, as the ref prefix does (<see cref="SearchPlan"/>).
/// On PostgreSQL (<see cref="Postgres"/>) names are matched with <c>ILIKE '%...%'</c> on the conversations' trigram GIN index and refs
/// with ILIKE over <c>feedrefs</c>, then looked up on the <c>lower(ref)</c> index; the plans and their thresholds are the same.
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

    /// <summary>
    /// Conversations on $platform whose display name or username contains $phrase: a touch's platform is its
    /// conversation's, so a platform filter can narrow the name matches before any touch is read.
    /// </summary>
    private const string PlatformConversationMatches = """
        "ConversationId" IN (SELECT "ConversationSearch".rowid FROM "ConversationSearch" JOIN "Conversations" AS c ON c."Id" = "ConversationSearch".rowid
                             WHERE "ConversationSearch" MATCH $phrase AND c."Platform" = $platform)
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

    /// <summary>The ways for a filter: with a platform, the name matches already narrowed to it.</summary>
    private static IEnumerable<string> WaysFor(FeedFilter filter, bool postgres) => (postgres, filter.Platform is null) switch
    {
        (false, true) => Ways,
        (false, false) => Ways.Select(way => way == ConversationMatches ? PlatformConversationMatches : way),
        (true, true) => Postgres.Ways,
        (true, false) => Postgres.Ways.Select(way => way == Postgres.ConversationMatches ? Postgres.PlatformConversationMatches : way),
    };

    private static readonly string MatchesSql = "(" + string.Join(" OR ", Ways) + ")";

    /// <summary>
    /// The same ways on PostgreSQL: names through the trigram index (<c>ILIKE</c>, '\' escaping), refs as
    /// <c>lower(ref)</c> (the touches' ref index) of the distinct refs containing the text ignoring case.
    /// </summary>
    private static class Postgres
    {
        public const string ConversationMatches = """
            conversationid IN (SELECT id FROM conversations WHERE participantname ILIKE @like OR participantusername ILIKE @like)
            """;

        public const string PlatformConversationMatches = """
            conversationid IN (SELECT id FROM conversations WHERE (participantname ILIKE @like OR participantusername ILIKE @like) AND platform = @platform)
            """;

        public static readonly string[] Ways =
        [
            ConversationMatches,
            "lower(ref) IN (SELECT lower(ref) FROM feedrefs WHERE ref ILIKE @like)",
            "participantid = @search",
            "adid = @search",
            "accountid = @search",
        ];

        public static readonly string MatchesSql = "(" + string.Join(" OR ", Ways) + ")";
    }

    /// <summary>
    /// The touches matching <paramref name="search"/> (no other filter), read through <paramref name="index"/>
    /// (<c>INDEXED BY</c>) or, when null, as SQLite's planner likes. PostgreSQL has no such hint: its planner chooses.
    /// </summary>
    public static IQueryable<ReferralTouch> Matching(AppDbContext db, string search, string? index) => db.IsPostgres()
        ? FeedQuery.Through(db, $"SELECT * FROM referraltouches WHERE {Postgres.MatchesSql}", Parameters(db, search))
        : FeedQuery.Through(db, $"""SELECT * FROM "ReferralTouches"{(index is null ? "" : $" INDEXED BY \"{index}\"")} WHERE {MatchesSql}""", Parameters(db, search));

    /// <summary>
    /// With a platform, trigger, ref prefix or arrival filter, a search listing at most this many touches is read by match
    /// (each listed touch's row looked up to check the filter, so a page costs at most this many lookups); one listing
    /// more is read newest first through the filter's index, where it is dense enough to fill a page soon.
    /// </summary>
    internal const int CandidateCap = 20_000;

    /// <summary>A newest-first page of touches matching the search and the filter's other filters.</summary>
    public static async Task<(List<FeedRow> Rows, int Total, bool More)> PageAsync(AppDbContext db, FeedFilter filter, string search, int skip, int take, CancellationToken cancellationToken)
    {
        if (db.IsPostgres() && !HasRowFilters(filter))
        {
            return await ListedPageAsync(db, filter, search, skip, take, cancellationToken);
        }

        var (_, plan) = await ChoosePlanAsync(db, filter, search, skip, take, cancellationToken);
        var rows = await PageAsync(db, filter, search, plan, skip, take, cancellationToken);
        int total;
        if (!HasRowFilters(filter))
        {
            total = await CountOnceAsync(db, filter, search, cancellationToken);
        }
        else
        {
            // Counting stops at the cap either way; what it reads to get there differs. The matches, each looked up,
            // reach it after cap / (share of touches the filter keeps); the filter's index newest first, each checked
            // against the search, after cap / (share that match). A trigger or ref prefix usually keeps few touches,
            // a platform or arrival many: walk the trigger's index, or the matches.
            var walkFilter = plan == SearchPlan.NewestFirst && (filter.TriggerId is not null || filter.RefPrefix is not null);
            var touches = walkFilter ? Dense(db, filter, search) : Candidates(db, filter, search);
            total = await FeedQuery.CountUpToAsync(FeedQuery.Filters(touches, filter, db.IsPostgres()), FeedQuery.CountCap + 1, cancellationToken);
        }

        return (rows, Math.Min(total, FeedQuery.CountCap), total > FeedQuery.CountCap);
    }

    /// <summary>
    /// Counts the touches the ways list in the date range, from the indexes alone, up to the plan threshold, and picks
    /// the cheaper plan. The threshold is <see cref="FeedQuery.DenseFactor"/> matches per row up to the end of the page,
    /// as for a ref prefix; with filters that need each match's row it is <see cref="CandidateCap"/>. A touch two ways
    /// list (its name and its ref both match) counts twice here: that only makes a search look a little denser.
    /// </summary>
    internal static async Task<(int Listed, SearchPlan Plan)> ChoosePlanAsync(AppDbContext db, FeedFilter filter, string search, int skip, int take, CancellationToken cancellationToken)
    {
        var cap = PlanCap(filter, skip, take, db.IsPostgres());
        var listed = await Query<int>(db, db.IsPostgres()
            ? $"""
                SELECT COUNT(*)::int AS "Value" FROM (SELECT 1 FROM ({Branches(db, filter, "1", " UNION ALL ")}) AS m LIMIT @limit) AS d
                """
            : $"""
                SELECT COUNT(*) AS "Value" FROM (SELECT 1 FROM ({Branches(db, filter, "1", " UNION ALL ")}) LIMIT $limit)
                """, search, filter, ("$limit", cap + 1)).SingleAsync(cancellationToken);
        return (listed, listed > cap ? SearchPlan.NewestFirst : SearchPlan.ByMatch);
    }

    /// <summary>The most touches the ways may list for the by-match plan (<see cref="ChoosePlanAsync"/>).</summary>
    private static int PlanCap(FeedFilter filter, int skip, int take, bool postgres) => HasRowFilters(filter)
        ? CandidateCap
        : (int)Math.Clamp(FeedQuery.DenseFactor(postgres) * ((long)skip + take), FeedQuery.CountCap, int.MaxValue - 1);

    /// <summary>How many touches match, each once, up to <see cref="FeedQuery.CountCap"/> + 1 (no row filters).</summary>
    private static Task<int> CountOnceAsync(AppDbContext db, FeedFilter filter, string search, CancellationToken cancellationToken) =>
        // SQLite's DISTINCT stops at the cap, so it never holds more than the cap's ids; PostgreSQL's hashes every match
        // before the LIMIT sees one (seconds for a code fragment in most refs), so there each way lists only the touches
        // no earlier way does, and the count stops at the cap.
        Query<int>(db, db.IsPostgres()
            ? $"""
                SELECT COUNT(*)::int AS "Value" FROM (SELECT 1 FROM ({Branches(db, filter, "1", " UNION ALL ", disjoint: true)}) AS m LIMIT @limit) AS d
                """
            : $"""
                SELECT COUNT(*) AS "Value" FROM (SELECT DISTINCT "Id" FROM ({Branches(db, filter, "\"Id\"", " UNION ALL ")}) LIMIT $limit)
                """, search, filter, ("$limit", FeedQuery.CountCap + 1)).SingleAsync(cancellationToken);

    /// <summary>
    /// The newest-first page on PostgreSQL without row filters. Listing the matches (a name's conversations' touches
    /// looked up one conversation at a time) is most of a page's cost, and the plan choice, the count and the by-match
    /// page each listed them again; here one statement lists them once, up to the plan threshold, and answers all three
    /// from that list (<c>MATERIALIZED</c>): how many were listed, how many distinct touches (up to the count cap), and
    /// the newest skip + take of the list. Only past the threshold is the page read newest first and counted on its own.
    /// </summary>
    private static async Task<(List<FeedRow> Rows, int Total, bool More)> ListedPageAsync(
        AppDbContext db, FeedFilter filter, string search, int skip, int take, CancellationToken cancellationToken)
    {
        var cap = PlanCap(filter, skip, take, db.IsPostgres());
        var listing = await Query<ListedPage>(db, $"""
            WITH m AS MATERIALIZED (SELECT id, occurredat FROM ({Branches(db, filter, "id, occurredat", " UNION ALL ")}) AS b LIMIT @limit),
                 n AS (SELECT COUNT(*)::int AS listed FROM m)
            SELECT n.listed AS "Listed", d.total AS "Total", p.id AS "Id", p.occurredat AS "OccurredAt"
            FROM n
            CROSS JOIN LATERAL (SELECT COUNT(*)::int AS total FROM (SELECT DISTINCT id FROM m WHERE n.listed <= @cap LIMIT @countlimit) AS u) AS d
            LEFT JOIN LATERAL (SELECT id, occurredat FROM m WHERE n.listed <= @cap ORDER BY occurredat DESC, id DESC LIMIT @pageend) AS p ON true
            """, search, filter, ("$limit", cap + 1), ("$cap", cap), ("$countlimit", FeedQuery.CountCap + 1), ("$pageend", skip + take)).ToListAsync(cancellationToken);
        var listed = listing[0].Listed;
        if (listed > cap)
        {
            var newest = await PageAsync(db, filter, search, SearchPlan.NewestFirst, skip, take, cancellationToken);
            var counted = await CountOnceAsync(db, filter, search, cancellationToken);
            return (newest, Math.Min(counted, FeedQuery.CountCap), counted > FeedQuery.CountCap);
        }

        // A touch two ways list comes twice, side by side: dropped here. Only when that leaves the page short of a full
        // list is a longer one read.
        var page = listing.Where(l => l.Id is not null).ToList();
        var ids = page.OrderByDescending(l => l.OccurredAt).ThenByDescending(l => l.Id).Select(l => l.Id!.Value).Distinct().ToList();
        ids = ids.Count < skip + take && page.Count == skip + take
            ? await NewestIdsAsync(db, filter, search, skip, take, cancellationToken)
            : [.. ids.Skip(skip).Take(take)];
        var total = listing[0].Total;
        return (await FeedQuery.RowsOfAsync(db, ids, cancellationToken), Math.Min(total, FeedQuery.CountCap), total > FeedQuery.CountCap);
    }

    private sealed record ListedPage(int Listed, int Total, long? Id, long? OccurredAt);

    /// <summary>The rows of one newest-first page of a search, read with <paramref name="plan"/>.</summary>
    internal static async Task<List<FeedRow>> PageAsync(AppDbContext db, FeedFilter filter, string search, SearchPlan plan, int skip, int take, CancellationToken cancellationToken = default)
    {
        if (plan == SearchPlan.NewestFirst)
        {
            return await FeedQuery.Project(db, FeedQuery.Newest(FeedQuery.Filters(Dense(db, filter, search), filter, db.IsPostgres()))).Skip(skip).Take(take).ToListAsync(cancellationToken);
        }

        var ids = HasRowFilters(filter)
            ? await FeedQuery.Newest(FeedQuery.Filters(Candidates(db, filter, search), filter, db.IsPostgres())).Skip(skip).Take(take).Select(t => t.Id).ToListAsync(cancellationToken)
            : await NewestIdsAsync(db, filter, search, skip, take, cancellationToken);
        return await FeedQuery.RowsOfAsync(db, ids, cancellationToken);
    }

    /// <summary>
    /// The ids of a page from the ways' indexes alone, newest first. SQLite keeps only the first skip + take of the sort
    /// (a LIMIT without OFFSET); a touch two ways list comes twice, side by side, and is dropped here, which costs less
    /// than a UNION's index of every match. Only when that leaves the page short is a longer list read.
    /// </summary>
    private static async Task<List<long>> NewestIdsAsync(AppDbContext db, FeedFilter filter, string search, int skip, int take, CancellationToken cancellationToken)
    {
        var sql = db.IsPostgres()
            ? $"""
                SELECT id AS "Id", occurredat AS "OccurredAt" FROM ({Branches(db, filter, "id, occurredat", " UNION ALL ")}) AS m
                ORDER BY occurredat DESC, id DESC LIMIT @limit
                """
            : $"""
                SELECT "Id", "OccurredAt" FROM ({Branches(db, filter, "\"Id\", \"OccurredAt\"", " UNION ALL ")})
                ORDER BY "OccurredAt" DESC, "Id" DESC LIMIT $limit
                """;
        for (var limit = skip + take; ; limit *= 2)
        {
            var listed = await Query<Listed>(db, sql, search, filter, ("$limit", limit)).ToListAsync(cancellationToken);
            var ids = listed.OrderByDescending(l => l.OccurredAt).ThenByDescending(l => l.Id).Select(l => l.Id).Distinct().ToList();
            if (ids.Count >= skip + take || listed.Count < limit)
            {
                return [.. ids.Skip(skip).Take(take)];
            }
        }
    }

    private sealed record Listed(long Id, long OccurredAt);

    /// <summary>
    /// Platform, trigger, ref prefix and arrival are only known from a touch's row (or an index of their own); the date
    /// range is not among them: every index a match is read from ends with OccurredAt.
    /// </summary>
    private static bool HasRowFilters(FeedFilter filter) =>
        filter.Platform is not null || filter.TriggerId is not null || filter.RefPrefix is not null || filter.Arrival is not null;

    /// <summary>
    /// The matching touches in the date range, each looked up by id as the ways list it (the CROSS JOIN keeps that order),
    /// so a count that stops at the cap stops reading too: the by-match plan's candidates. On PostgreSQL the ways are
    /// disjoint instead of DISTINCT, which would hash every match first.
    /// </summary>
    private static IQueryable<ReferralTouch> Candidates(AppDbContext db, FeedFilter filter, string search) => db.IsPostgres()
        ? FeedQuery.Through(db, $"""
            SELECT t.* FROM ({Branches(db, filter, "id", " UNION ALL ", disjoint: true)}) AS m
            JOIN referraltouches AS t ON t.id = m.id
            """, Parameters(db, search, filter))
        : FeedQuery.Through(db, $"""
            SELECT t.* FROM (SELECT DISTINCT "Id" FROM ({Branches(db, filter, "\"Id\"", " UNION ALL ")})) AS m
            CROSS JOIN "ReferralTouches" AS t WHERE t."Id" = m."Id"
            """, Parameters(db, search, filter));

    /// <summary>
    /// The matching touches through the index a newest-first walk of the filter uses: the trigger's or the platform's
    /// (each holds OccurredAt next), else the time index. The planner alone would take the ways' own indexes (it
    /// guesses an IN list is short), which reads every match.
    /// </summary>
    private static IQueryable<ReferralTouch> Dense(AppDbContext db, FeedFilter filter, string search) =>
        Matching(db, search, filter.TriggerId is not null ? FeedQuery.TriggerIndex : filter.Platform is not null ? FeedQuery.PlatformIndex : FeedQuery.OccurredAtIndex);

    /// <summary>
    /// Each way to match as its own SELECT of <paramref name="columns"/>, restricted to the date range, joined by <paramref name="compound"/>.
    /// <paramref name="disjoint"/> (PostgreSQL): each way without the touches an earlier way lists, so every match is listed once
    /// (<c>IS NOT TRUE</c>: a touch without a ref is no match of the refs' way, not an unknown).
    /// </summary>
    private static string Branches(AppDbContext db, FeedFilter filter, string columns, string compound, bool disjoint = false)
    {
        if (db.IsPostgres())
        {
            var since = filter.Since is null ? "" : " AND occurredat >= @since";
            var until = filter.Until is null ? "" : " AND occurredat < @until";
            var ways = WaysFor(filter, postgres: true).ToList();
            string Earlier(int i) => disjoint && i > 0 ? $" AND ({string.Join(" OR ", ways.Take(i))}) IS NOT TRUE" : "";
            return string.Join(compound, ways.Select((way, i) => $"SELECT {columns} FROM referraltouches WHERE {way}{Earlier(i)}{since}{until}"));
        }

        var range = (filter.Since is null ? "" : " AND \"OccurredAt\" >= $since") + (filter.Until is null ? "" : " AND \"OccurredAt\" < $until");
        return string.Join(compound, WaysFor(filter, postgres: false).Select(way => $"""SELECT {columns} FROM "ReferralTouches" WHERE {way}{range}"""));
    }

    private static IQueryable<T> Query<T>(AppDbContext db, string sql, string search, FeedFilter filter, params (string Name, int Value)[] extra) =>
        db.Database.SqlQueryRaw<T>(sql, [.. Parameters(db, search, filter), .. extra.Select(e => db.Parameter(e.Name, e.Value))]);

    /// <summary>The search's parameters (new objects per query: a parameter belongs to one command), the platform's and the date range's.</summary>
    private static object[] Parameters(AppDbContext db, string search, FeedFilter? filter = null)
    {
        List<object> parameters =
        [
            db.Parameter("$like", "%" + EscapeLike(search) + "%"),
            db.Parameter("$search", search),
        ];
        if (!db.IsPostgres())
        {
            // A phrase of the fragment's trigrams, each '"' doubled: a substring match whatever the text holds.
            parameters.Insert(0, db.Parameter("$phrase", "\"" + search.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
        }

        if (filter?.Platform is { } platform)
        {
            parameters.Add(db.Parameter("$platform", platform));
        }

        if (filter?.Since is { } since)
        {
            parameters.Add(db.Parameter("$since", UnixMs.From(since)));
        }

        if (filter?.Until is { } until)
        {
            parameters.Add(db.Parameter("$until", UnixMs.From(until)));
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
