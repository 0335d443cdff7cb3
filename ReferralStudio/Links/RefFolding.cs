using System.Globalization;
using System.Text;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Links;

/// <summary>A ref made from free text (a page's utm_campaign, a typed code) and, in plain words, what changed on the way.</summary>
public sealed record FoldedRef(string Ref, IReadOnlyList<string> Changes)
{
    public bool Changed => Changes.Count > 0;
}

/// <summary>
/// Turns free text into the ref alphabet so that it stays readable: "Spring Launch! été 2026" becomes
/// "Spring_Launch_ete_2026", not "SpringLauncht2026". A valid ref passes unchanged. Otherwise accented Latin
/// letters lose their accents (case kept), a few letters without a decomposition are spelled out (ß is ss),
/// spaces and punctuation between words become one '_', and anything else is dropped.
/// </summary>
/// <remarks>
/// The website button's script does the same in the browser (<see cref="Script"/>): keep the two in step, the
/// parity test runs both over every BMP character.
/// </remarks>
public static class RefFolding
{
    /// <summary>Characters that separate words and become one '_' between the words they separate.</summary>
    public const string Separators = " \t\n\r\u00a0._,;:/\\|+&()[]{}\u00b7";

    /// <summary>Letters without a canonical decomposition, spelled with ref letters.</summary>
    public static IReadOnlyDictionary<char, string> Spelled { get; } = new Dictionary<char, string>
    {
        ['ß'] = "ss",
        ['ẞ'] = "SS",
        ['æ'] = "ae",
        ['Æ'] = "AE",
        ['ø'] = "o",
        ['Ø'] = "O",
        ['œ'] = "oe",
        ['Œ'] = "OE",
        ['ł'] = "l",
        ['Ł'] = "L",
        ['đ'] = "d",
        ['Đ'] = "D",
        ['ð'] = "d",
        ['Ð'] = "D",
        ['þ'] = "th",
        ['Þ'] = "TH",
        ['ı'] = "i",
        ['ħ'] = "h",
        ['Ħ'] = "H",
        ['ŀ'] = "l",
        ['Ŀ'] = "L",
    };

    private const int MaxListed = 4;

    /// <summary>The folded ref, cut to <see cref="RefValidator.MaxLength"/>; empty when nothing usable was left.</summary>
    public static string Fold(string? text) => Fold(text, explain: false).Ref;

    /// <summary><see cref="Fold(string?)"/> plus what changed, for showing next to the result.</summary>
    public static FoldedRef Explain(string? text) => Fold(text, explain: true);

    /// <summary>
    /// The same folding as a JavaScript function <c>fold(v)</c>, for the website button. The browser's
    /// <c>normalize("NFD")</c> does what <see cref="RefDecompositions"/> does here.
    /// </summary>
    public static string Script()
    {
        var spelled = string.Join(", ", Spelled.Select(s => $"{WebsiteButton.Js(s.Key.ToString())}: {WebsiteButton.Js(s.Value)}"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $$"""
              var seps = {{WebsiteButton.Js(Separators)}}, spelled = { {{spelled}} };
              function fold(v) {
                v = String(v == null ? "" : v).normalize("NFD");
                var out = "", gap = false;
                for (var i = 0; i < v.length; i++) {
                  var c = v.charAt(i);
                  var r = /[A-Za-z0-9_=-]/.test(c) ? c : Object.prototype.hasOwnProperty.call(spelled, c) ? spelled[c] : "";
                  if (!r) {
                    if (seps.indexOf(c) >= 0) gap = true;
                    continue;
                  }
                  if (gap && out && !/[_-]$/.test(out) && !/^[_-]/.test(r)) out += "_";
                  gap = false;
                  out += r;
                }
                return out.length > {{RefValidator.MaxLength}} ? out.slice(0, {{RefValidator.MaxLength}}) : out;
              }

            """);
    }

    private static FoldedRef Fold(string? text, bool explain)
    {
        text ??= "";
        var output = new StringBuilder(text.Length);
        var gap = false;
        var separators = explain ? new List<char>() : null;
        var replaced = explain ? new List<(char From, string To)>() : null;
        var dropped = explain ? new List<string>() : null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var index = RefDecompositions.From.IndexOf(c);
            var decomposed = index >= 0 ? RefDecompositions.To[index] : c;
            var kept = Keep(decomposed);
            if (kept is null)
            {
                if (Separators.Contains(decomposed))
                {
                    gap = true;
                    AddOnce(separators, c);
                }
                else if (explain && !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1])))
                {
                    AddOnce(dropped, Describe(text, i));
                }

                continue;
            }

            if (kept.Length != 1 || kept[0] != c)
            {
                if (replaced is not null && !replaced.Exists(r => r.From == c))
                {
                    replaced.Add((c, kept));
                }
            }

            if (gap && output.Length > 0 && output[^1] is not ('_' or '-') && kept[0] is not ('_' or '-'))
            {
                output.Append('_');
            }

            gap = false;
            output.Append(kept);
        }

        var cut = output.Length > RefValidator.MaxLength;
        if (cut)
        {
            output.Length = RefValidator.MaxLength;
        }

        if (!explain)
        {
            return new FoldedRef(output.ToString(), []);
        }

        var changes = new List<string>();
        if (separators!.Count > 0)
        {
            var spaces = separators.Where(char.IsWhiteSpace).ToList();
            var marks = separators.Except(spaces).ToList();
            if (spaces.Count > 0)
            {
                changes.Add("spaces became _");
            }

            if (marks.Count > 0)
            {
                changes.Add($"{List(marks.Select(m => $"'{m}'"))} became _");
            }
        }

        if (replaced!.Count > 0)
        {
            changes.Add(List(replaced.Select(r => $"{r.From} became {r.To}")));
        }

        if (dropped!.Count > 0)
        {
            changes.Add($"{List(dropped)} {(dropped.Count == 1 ? "was" : "were")} dropped");
        }

        if (cut)
        {
            changes.Add(string.Create(CultureInfo.InvariantCulture, $"cut to {RefValidator.MaxLength:N0} characters"));
        }

        return new FoldedRef(output.ToString(), changes);
    }

    private static string? Keep(char c) =>
        RefValidator.IsRefChar(c) ? c.ToString() : Spelled.TryGetValue(c, out var spelled) ? spelled : null;

    private static void AddOnce<T>(List<T>? list, T item)
    {
        if (list is not null && !list.Contains(item))
        {
            list.Add(item);
        }
    }

    // Up to four items, then "and N more", so a pasted paragraph does not make a paragraph of changes.
    private static string List(IEnumerable<string> items)
    {
        var all = items.ToList();
        if (all.Count > MaxListed)
        {
            return string.Join(", ", all.Take(MaxListed)) + string.Create(CultureInfo.InvariantCulture, $" and {all.Count - MaxListed:N0} more");
        }

        return all.Count == 1 ? all[0] : string.Join(", ", all[..^1]) + " and " + all[^1];
    }

    private static string Describe(string text, int index) => RefValidator.Describe(text, index);
}
