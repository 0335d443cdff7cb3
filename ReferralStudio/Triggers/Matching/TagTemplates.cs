using System.Globalization;
using System.Text;

namespace ReferralStudio.Triggers.Matching;

/// <summary>
/// Tag labels a trigger applies, such as <c>campaign:summer</c> or <c>affiliate:{1}</c>. <c>{1}</c>..<c>{n}</c>
/// stand for what each <c>*</c> of the pattern matched and <c>{ref}</c> for the whole ref. Braces are only for
/// placeholders (there is no escape). The label keeps the template's text and the ref's case as they are;
/// only surrounding white space is trimmed, so "Summer" and "summer" stay different tags on purpose.
/// </summary>
public static class TagTemplates
{
    public const int MaxLength = 100;

    private const string Usage = "use {ref} for the whole ref, or {1}, {2}, … for what each * matched";

    /// <summary>Returns null when <paramref name="template"/> is usable, else the reason in plain words, quoting the part at fault.</summary>
    public static string? Validate(string? template) => Validate(template, pattern: null);

    /// <summary>As <see cref="Validate(string?)"/>, and also checks that every <c>{n}</c> has an <c>*</c> in <paramref name="pattern"/>.</summary>
    public static string? Validate(string? template, string? pattern)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            return "Enter a tag, such as campaign:summer.";
        }

        if (template.Length > MaxLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Tags can be at most {MaxLength} characters long; this one has {template.Length}.");
        }

        var stars = pattern?.AsSpan().Count('*');
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] == '}')
            {
                return $"“}}” has no “{{” before it: {Usage}.";
            }

            if (template[i] != '{')
            {
                continue;
            }

            var close = template.IndexOf('}', i + 1);
            var open = template.IndexOf('{', i + 1);
            if (close < 0 || (open >= 0 && open < close))
            {
                return $"“{{” has no “}}” after it: {Usage}.";
            }

            var placeholder = template[i..(close + 1)];
            var name = template[(i + 1)..close];
            if (name.Length == 0)
            {
                return $"“{{}}” is empty: {Usage}.";
            }

            if (name != "ref")
            {
                if (!TryCaptureNumber(name, out var number))
                {
                    return $"“{placeholder}” isn't a placeholder: {Usage}.";
                }

                if (number == 0)
                {
                    return $"“{placeholder}” matches nothing: the first * is {{1}}.";
                }

                if (number > stars)
                {
                    return stars == 0
                        ? $"“{placeholder}” needs a * in the pattern, and it has none: use {{ref}} for the whole code."
                        : string.Create(CultureInfo.InvariantCulture, $"“{placeholder}” needs {number} * in the pattern, and it has {stars}.");
                }
            }

            i = close;
        }

        return null;
    }

    /// <summary>
    /// The label for one referral. A <c>{n}</c> without a capture renders as nothing; malformed braces are kept
    /// as text (validation reports them on save, and a tag is better than none).
    /// </summary>
    public static string Render(string template, string @ref, IReadOnlyList<string> captures)
    {
        ArgumentNullException.ThrowIfNull(template);
        var label = new StringBuilder(template.Length + @ref.Length);
        for (var i = 0; i < template.Length; i++)
        {
            var close = template[i] == '{' ? template.IndexOf('}', i + 1) : -1;
            if (close > i)
            {
                var name = template.AsSpan(i + 1, close - i - 1);
                if (name.SequenceEqual("ref"))
                {
                    label.Append(@ref);
                    i = close;
                    continue;
                }

                if (TryCaptureNumber(name, out var number) && number > 0)
                {
                    label.Append(number <= captures.Count ? captures[number - 1] : "");
                    i = close;
                    continue;
                }
            }

            label.Append(template[i]);
        }

        return label.ToString().Trim();
    }

    // Up to four digits: no pattern of a valid length needs more placeholders, and it keeps the parse from overflowing.
    private static bool TryCaptureNumber(ReadOnlySpan<char> name, out int number)
    {
        number = 0;
        if (name.IsEmpty || name.Length > 4)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            number = (number * 10) + (c - '0');
        }

        return true;
    }
}
