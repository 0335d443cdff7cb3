using Microsoft.AspNetCore.WebUtilities;
using ReferralStudio.Insight;

namespace ReferralStudio.Components.Insight;

/// <summary>
/// The feed's address: its filters (<see cref="FeedFilter.ToQueryString"/>) plus the order and the page, so a reload,
/// a bookmark or a timeline's back link shows the same rows.
/// </summary>
public static class FeedAddress
{
    private static readonly Dictionary<string, string> SortNames = new(StringComparer.Ordinal)
    {
        ["OccurredAt asc"] = "oldest",
        ["Platform asc"] = "platform",
        ["Platform desc"] = "platform_desc",
        ["Ref asc"] = "code",
        ["Ref desc"] = "code_desc",
    };

    private static readonly string[] Keys = ["platform", "trigger", "ref", "since", "until", "arrival", "q", "sort", "page"];

    /// <summary>The query string (without "?") for a filter, an order and a 1-based page.</summary>
    public static string Query(FeedFilter filter, int page, string sort)
    {
        var parts = new List<string>();
        if (filter.ToQueryString() is { Length: > 0 } filters)
        {
            parts.Add(filters);
        }

        if (SortNames.TryGetValue(sort, out var name))
        {
            parts.Add("sort=" + name);
        }

        if (page > 1)
        {
            parts.Add("page=" + page);
        }

        return string.Join("&", parts);
    }

    /// <summary>The feed query's order for an address's <c>sort</c> value (the default for anything else).</summary>
    public static string Sort(string? name) => SortNames.FirstOrDefault(s => s.Value == name).Key ?? FeedQuery.DefaultSort;

    /// <summary>
    /// The feed link a timeline goes back to: the feed's query it was opened from, keeping only the feed's own
    /// keys, so the link always stays on the feed whatever the address carried.
    /// </summary>
    public static string BackHref(string? back)
    {
        if (string.IsNullOrWhiteSpace(back))
        {
            return "feed";
        }

        var query = QueryHelpers.ParseQuery(back.StartsWith('?') ? back : "?" + back);
        var kept = Keys.Where(k => query.TryGetValue(k, out var v) && !string.IsNullOrEmpty(v.ToString()))
            .Select(k => $"{k}={Uri.EscapeDataString(query[k].ToString())}")
            .ToList();
        return kept.Count == 0 ? "feed" : "feed?" + string.Join("&", kept);
    }
}
