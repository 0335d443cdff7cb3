using System.Text.RegularExpressions;

namespace ReferralStudio.Webhooks.Parsing;

/// <summary>
/// Finds a ref code in the first inbound text of an organic wa.me conversation, where the code can only
/// travel inside the prefilled message (WhatsApp has no ref field). The pattern is configurable; it must
/// capture the code in a group named <c>ref</c>.
/// </summary>
public sealed class PrefilledTextRefExtractor
{
    /// <summary>
    /// <c>ref: code</c>, <c>ref:code</c> or <c>ref=code</c>, any case, with <c>ref</c> as a whole word.
    /// The code is ref-alphabet characters and must not run on into other letters or digits
    /// (so "ref: abcé" yields nothing rather than a silently shortened "abc").
    /// </summary>
    public const string DefaultPattern = @"\bref\s*[:=]\s*(?<ref>[A-Za-z0-9_=-]+)(?![\p{L}\p{N}])";

    private const string GroupName = "ref";

    // Bounds a pathological custom pattern (a message text is at most 4,096 characters); a slow match must never
    // stall the webhook pipeline for long. Not tighter: on a busy machine a sound match can be preempted for 100 ms,
    // and a timed-out match loses the person's code.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly Regex _regex;

    /// <exception cref="ArgumentException">The pattern does not compile or has no group named <c>ref</c>.</exception>
    public PrefilledTextRefExtractor(string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            throw new ArgumentException("The prefilled-text pattern is empty; it must be a regular expression with a group named 'ref'.", nameof(pattern));
        }

        try
        {
            _regex = new Regex(
                pattern,
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled,
                MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"The prefilled-text pattern '{pattern}' is not a valid regular expression: {ex.Message}", nameof(pattern), ex);
        }

        // Compiled now, not inside the first real match's time budget.
        try
        {
            _regex.IsMatch("ref: warm-up");
        }
        catch (RegexMatchTimeoutException)
        {
            // Only the warm-up; real texts get their own budget.
        }

        if (_regex.GroupNumberFromName(GroupName) < 0)
        {
            throw new ArgumentException($"The prefilled-text pattern '{pattern}' has no group named 'ref'; capture the code with (?<ref>...).", nameof(pattern));
        }
    }

    public string Pattern => _regex.ToString();

    /// <summary>
    /// The referral a wa.me link's prefilled text carries (its code checked by <see cref="RefValidator"/>, kept even
    /// when invalid, like a ref Meta sent), or null when the text has none.
    /// </summary>
    public ParsedReferral? Referral(string? text) =>
        Extract(text) is { } code
            ? new ParsedReferral { Arrival = ReferralArrival.PrefilledText, Ref = code, RefRejection = RefValidator.Validate(code) }
            : null;

    /// <summary>
    /// The first captured code, verbatim (validate it with <see cref="RefValidator"/>), or null when the
    /// text has none, the group captured nothing, or the match timed out.
    /// </summary>
    public string? Extract(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            var match = _regex.Match(text);
            if (!match.Success)
            {
                return null;
            }

            var group = match.Groups[GroupName];
            return group.Success && group.Length > 0 ? group.Value : null;
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }
}
