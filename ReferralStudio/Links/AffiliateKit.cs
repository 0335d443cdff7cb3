using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using ReferralStudio.Platforms;
using ReferralStudio.Triggers.Matching;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Links;

/// <summary>
/// One code, link and QR code per affiliate, from a list of names: what a marketer hands to each creator.
/// </summary>
public static class AffiliateKit
{
    public const int MaxNames = 5000;
    public const int MaxPrefixLength = 100;
    public const string EmptyNameCode = "affiliate";

    // Longer codes keep a shortened file name, so the ZIP extracts on file systems that cap names at 255 bytes.
    private const int MaxFileNameCodeLength = 120;

    // "name", "Name", "Full name", "first_name", "display-name", "names"; not a person called "Nameeta".
    private static readonly Regex NameHeader = new(@"^(.*[ _-])?names?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly DateTimeOffset FixedTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string? ValidatePrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return null;
        }

        if (prefix.Length > MaxPrefixLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"The prefix is {prefix.Length} characters; the limit is {MaxPrefixLength}.");
        }

        return RefValidator.Validate(prefix);
    }

    /// <summary>
    /// <paramref name="prefix"/> + the name in the ref alphabet, one per non-blank name, in order. Duplicates,
    /// compared ignoring case as matching does, get _2, _3, ... in order of appearance.
    /// </summary>
    /// <exception cref="ArgumentException">The prefix is invalid (see <see cref="ValidatePrefix"/>).</exception>
    public static IReadOnlyList<KitEntry> Codes(IEnumerable<string> names, string prefix)
    {
        ArgumentNullException.ThrowIfNull(names);
        prefix ??= "";
        if (ValidatePrefix(prefix) is { } reason)
        {
            throw new ArgumentException(reason, nameof(prefix));
        }

        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var entries = new List<KitEntry>();
        foreach (var raw in names)
        {
            var name = raw?.Trim() ?? "";
            if (name.Length == 0)
            {
                continue;
            }

            var normalized = CodeNormalizer.Normalize(name);
            var stem = normalized.Length > 0
                ? normalized
                : EmptyNameCode + (entries.Count + 1).ToString(CultureInfo.InvariantCulture);

            var code = Fit(prefix, stem, "");
            for (var n = 2; !used.Add(code); n++)
            {
                code = Fit(prefix, stem, "_" + n.ToString(CultureInfo.InvariantCulture));
            }

            entries.Add(new KitEntry(name, code));
        }

        return entries;
    }

    /// <summary>
    /// Names from pasted lines or a CSV file. When the first row has a column headed like "name", that column is
    /// used; otherwise each line's first field. Blank names are skipped.
    /// </summary>
    public static NameList ParseNames(string textOrCsv)
    {
        var text = (textOrCsv ?? "").TrimStart('\uFEFF');
        var records = Csv.Read(text, Csv.DetectDelimiter(text));

        var column = 0;
        if (records.Count > 0)
        {
            var header = records[0].FindIndex(field => NameHeader.IsMatch(field.Trim()));
            if (header >= 0)
            {
                column = header;
                records.RemoveAt(0);
            }
        }

        var names = new List<string>();
        foreach (var record in records)
        {
            if (column < record.Count)
            {
                // A quoted name may span lines; on a QR caption and in a code it is one line.
                var name = string.Join(' ', record[column].Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
                if (name.Length > 0)
                {
                    names.Add(name);
                }
            }
        }

        return names.Count > MaxNames
            ? new NameList([], string.Create(CultureInfo.InvariantCulture, $"The list has {names.Count:N0} names; the limit is {MaxNames:N0} per kit. Split it into smaller lists."))
            : new NameList(names, null);
    }

    /// <summary><c>prefix*</c>: one pattern trigger covering every code of the kit, or null without a prefix.</summary>
    public static string? SuggestPattern(string prefix) => string.IsNullOrEmpty(prefix) ? null : prefix + "*";

    /// <summary>
    /// The prefix whose kit codes a pattern such as <c>collab_*</c> matches: the pattern without its one trailing
    /// <c>*</c>. Null for other shapes (<c>*_2026</c>, <c>a_*_b</c>), which a kit's prefix + name cannot follow.
    /// </summary>
    public static string? PrefixFromPattern(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern) || pattern.IndexOf('*') != pattern.Length - 1 || pattern.Length == 1)
        {
            return null;
        }

        var prefix = pattern[..^1];
        return ValidatePrefix(prefix) is null ? prefix : null;
    }

    /// <summary>
    /// An enabled trigger whose pattern matches every code starting with <paramref name="prefix"/> on
    /// <paramref name="platform"/> (so a kit's codes are already attributed), or null. The most specific first.
    /// </summary>
    public static TriggerDefinition? CoveringTrigger(string prefix, string platform, IEnumerable<TriggerDefinition> enabled)
    {
        ArgumentNullException.ThrowIfNull(enabled);
        if (string.IsNullOrEmpty(prefix) || ValidatePrefix(prefix) is not null)
        {
            return null;
        }

        // Matching the other pattern against "prefix*" as text: its '*' can absorb our '*', no literal can (see Shadowing).
        var bit = TriggerPlatforms.Bit(platform);
        return enabled
            .Where(t => PatternRules.IsPattern(t.Pattern) && (TriggerPlatforms.Mask(t) & bit) != 0 && Glob.IsMatch(t.Pattern, prefix + "*"))
            .OrderByDescending(t => PatternRules.LiteralCount(t.Pattern))
            .ThenBy(t => t.Id)
            .FirstOrDefault();
    }

    /// <summary>Null when a kit can be built with <paramref name="options"/>, else the field at fault and why.</summary>
    public static FieldError? Validate(KitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!PlatformNames.IsKnown(options.Platform))
        {
            return new("platform", "Choose Instagram, Messenger or WhatsApp.");
        }

        if (Account(options, options.Platform) is null)
        {
            return new(AccountField(options.Platform), "Enter the account the QR codes should open.");
        }

        foreach (var platform in PlatformNames.All)
        {
            if (Account(options, platform) is { } account && LinkBuilder.ValidateAccount(platform, account) is { } error)
            {
                return new(AccountField(platform), error);
            }
        }

        if (Account(options, PlatformNames.WhatsApp) is not null && LinkBuilder.ValidateWhatsAppTemplate(options.WhatsAppTemplate) is { } templateError)
        {
            return new("whatsAppTemplate", templateError);
        }

        return options.Qr is { } qr && QrRenderer.Validate(qr with { Caption = null }) is { } qrError
            ? new("qr", qrError)
            : null;
    }

    /// <summary>
    /// Null when every entry's caption can be printed, else the first name the caption font cannot print and how
    /// many more there are. Only name captions can fail: codes are plain ASCII.
    /// </summary>
    public static FieldError? ValidateCaptions(IReadOnlyList<KitEntry> entries, KitCaption caption)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var failing = entries
            .Select(e => (e.Name, Missing: Caption(caption, e) is { } text ? CaptionFont.MissingCharacters(text) : []))
            .Where(e => e.Missing.Count > 0)
            .ToList();
        if (failing.Count == 0)
        {
            return null;
        }

        var (name, missing) = failing[0];
        var more = failing.Count == 1 ? "" : string.Create(CultureInfo.InvariantCulture, $" (and {failing.Count - 1:N0} more names)");
        return new("caption", $"The caption font has no glyph for {string.Join(", ", missing.Select(CaptionFont.Describe))} in the name \"{name}\"{more}; caption the codes instead, or edit the names.");
    }

    /// <summary>
    /// A ZIP with <c>qr/&lt;code&gt;.png</c> and <c>.svg</c> per entry, <c>codes.csv</c> (name, code, link, and a
    /// link column per account given) and a README.txt saying what each file is.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options or an entry whose code cannot be linked.</exception>
    public static byte[] Zip(IReadOnlyList<KitEntry> entries, KitOptions options)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (Validate(options) is { } error)
        {
            throw new ArgumentException($"{error.Field}: {error.Reason}", nameof(options));
        }

        if (ValidateCaptions(entries, options.Caption) is { } captionError)
        {
            throw new ArgumentException(captionError.Reason, nameof(entries));
        }

        var duplicate = entries.GroupBy(e => e.Code, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"The code '{duplicate.Key}' appears more than once; codes are matched ignoring case.", nameof(entries));
        }

        var qr = options.Qr ?? new QrOptions();
        var linked = PlatformNames.All.Where(p => Account(options, p) is not null).ToList();
        var timestamp = options.Timestamp ?? FixedTimestamp;

        var csv = new StringBuilder("\uFEFF"); // Excel reads UTF-8 (accented names) only with a BOM
        csv.Append(Csv.Row(["name", "code", "link", .. linked.Select(p => p + "_link")]));

        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                var links = linked.ToDictionary(p => p, p => Link(options, p, entry.Code));
                var link = links[options.Platform];
                csv.Append(Csv.Row([entry.Name, entry.Code, link, .. linked.Select(p => links[p])]));

                var file = entry.Code.Length <= MaxFileNameCodeLength
                    ? entry.Code
                    : string.Create(CultureInfo.InvariantCulture, $"{entry.Code[..MaxFileNameCodeLength]}_{i + 1}");
                var captioned = qr with { Caption = Caption(options.Caption, entry) };
                Add(zip, $"qr/{file}.png", QrRenderer.Png(link, captioned), timestamp);
                Add(zip, $"qr/{file}.svg", Encoding.UTF8.GetBytes(QrRenderer.Svg(link, captioned)), timestamp);
            }

            Add(zip, "codes.csv", Encoding.UTF8.GetBytes(csv.ToString()), timestamp);
            Add(zip, "README.txt", Encoding.UTF8.GetBytes(Readme(options.Platform, qr)), timestamp);
        }

        return output.ToArray();
    }

    private static string Fit(string prefix, string stem, string suffix)
    {
        var room = RefValidator.MaxLength - prefix.Length - suffix.Length;
        return prefix + CodeNormalizer.Truncate(stem, room) + suffix;
    }

    private static string? Caption(KitCaption caption, KitEntry entry)
    {
        var text = caption switch
        {
            KitCaption.Code => entry.Code,
            KitCaption.Name => entry.Name,
            _ => null,
        };

        // Captions are one line of text: a tab or line break in a name becomes a space.
        text = text is null ? null : string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c));
        return text is { Length: > QrOptions.MaxCaptionLength }
            ? text[..(QrOptions.MaxCaptionLength - 3)] + "..."
            : text;
    }

    private static string Link(KitOptions options, string platform, string code)
    {
        var result = LinkBuilder.Build(platform, Account(options, platform)!, code, options.WhatsAppTemplate);
        return result.Url ?? throw new ArgumentException($"{code}: {result.Error}", nameof(code));
    }

    private static string? Account(KitOptions options, string platform)
    {
        var account = platform switch
        {
            PlatformNames.Instagram => options.InstagramUsername,
            PlatformNames.Messenger => options.MessengerPage,
            PlatformNames.WhatsApp => options.WhatsAppNumber,
            _ => null,
        };

        return string.IsNullOrWhiteSpace(account) ? null : account;
    }

    private static string AccountField(string platform) => platform switch
    {
        PlatformNames.Instagram => "instagramUsername",
        PlatformNames.Messenger => "messengerPage",
        _ => "whatsAppNumber",
    };

    private static string Readme(string platform, QrOptions qr) => string.Create(
        CultureInfo.InvariantCulture,
        $"""
        codes.csv: one row per affiliate: the name, their code, the link the QR code opens, and a link per platform.
        qr/<code>.png: the QR code for that link, {qr.SizeMm:0.#} mm wide at {qr.Dpi} DPI, for print and screens.
        qr/<code>.svg: the same QR code as a vector, {qr.SizeMm:0.#} mm wide, for print shops and design tools.
        The QR codes open {PlatformNames.DisplayName(platform)}. {TrackingNotes.For(platform)}

        """).ReplaceLineEndings("\r\n");

    private static void Add(ZipArchive zip, string name, byte[] content, DateTimeOffset timestamp)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = timestamp;
        using var stream = entry.Open();
        stream.Write(content);
    }
}
