using System.Text;

namespace ReferralStudio.Links;

/// <summary>Turns a person's name into the ref alphabet: "Zoë Ødegård-Smith" becomes "zoe_odegard-smith".</summary>
internal static class CodeNormalizer
{
    // Lower-case Latin letters with diacritics and their base letter, generated from Unicode's canonical
    // decompositions. A table rather than string.Normalize(FormD): with InvariantGlobalization (as the app
    // runs) Normalize does not decompose on Linux, and "é" would silently disappear.
    internal const string Accented =
        "àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǰǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳ"
        + "ḁḃḅḇḉḋḍḏḑḓḕḗḙḛḝḟḡḣḥḧḩḫḭḯḱḳḵḷḹḻḽḿṁṃṅṇṉṋṍṏṑṓṕṗṙṛṝṟṡṣṥṧṩṫṭṯṱṳṵṷṹṻṽṿẁẃẅẇẉẋẍẏẑẓẕẖẗẘẙạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ";

    internal const string Base =
        "aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrssssttuuuuuuwyzzzouaiouuuuuaagkoojgnaaaeeiioorruusthaeooooy"
        + "abbbcdddddeeeeefghhhhhiikkkllllmmmnnnnoooopprrrrsssssttttuuuuuvvwwwwwxxyzzzhtwyaaaaaaaaaaaaeeeeeeeeiioooooooooooouuuuuuuyyyy";

    // Letters that are not a base letter plus a mark, so no decomposition covers them.
    private static readonly Dictionary<char, string> Special = new()
    {
        ['ß'] = "ss",
        ['æ'] = "ae",
        ['ø'] = "o",
        ['œ'] = "oe",
        ['ł'] = "l",
        ['đ'] = "d",
        ['ð'] = "d",
        ['þ'] = "th",
        ['ı'] = "i",
        ['İ'] = "i",
        ['ħ'] = "h",
        ['ŀ'] = "l",
    };

    // Characters that separate words in names and become '_'; anything else outside the alphabet is dropped.
    private const string Separators = "._,;:/\\|+&()[]{}·";

    public static string Normalize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
            {
                sb.Append(c);
            }
            else if (char.IsWhiteSpace(c) || Separators.Contains(c))
            {
                sb.Append('_');
            }
            else if (Accented.IndexOf(c) is var i and >= 0)
            {
                sb.Append(Base[i]);
            }
            else if (Special.TryGetValue(c, out var replacement))
            {
                sb.Append(replacement);
            }

            // Combining marks (a name typed as "e" + U+0301), apostrophes, emoji and other scripts are dropped.
        }

        return Trim(CollapseSeparators(sb.ToString()));
    }

    /// <summary>Cuts <paramref name="code"/> to <paramref name="maxLength"/> without leaving a separator at the end.</summary>
    public static string Truncate(string code, int maxLength) =>
        code.Length <= maxLength ? code : code[..maxLength].TrimEnd('_', '-');

    public static string Trim(string code) => code.Trim('_', '-');

    // A run of '-' stays one '-' ("jean--luc"); any run that has a '_' becomes one '_' ("jean - luc").
    private static string CollapseSeparators(string text)
    {
        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] is not ('_' or '-'))
            {
                sb.Append(text[i++]);
                continue;
            }

            var underscore = false;
            while (i < text.Length && text[i] is '_' or '-')
            {
                underscore |= text[i] == '_';
                i++;
            }

            sb.Append(underscore ? '_' : '-');
        }

        return sb.ToString();
    }
}
