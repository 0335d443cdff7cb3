namespace ReferralStudio.Triggers.Matching;

/// <summary>
/// The 39 symbols refs are folded onto (a-z 0-9 _ - =, upper case folded onto lower case), numbered for the
/// tries of <see cref="TriggerMatcher"/>.
/// </summary>
internal static class RefAlphabet
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_-=";
    private const byte NotInAlphabet = byte.MaxValue;

    /// <summary>ASCII code to symbol number (upper case folded), or <c>byte.MaxValue</c> outside the alphabet.</summary>
    public static readonly byte[] Symbols = CreateSymbols();

    // Lower-cases an ASCII ref into `folded`; false when a character is outside the ref alphabet.
    public static bool Fold(string value, Span<char> folded)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= Symbols.Length || Symbols[c] == NotInAlphabet)
            {
                return false;
            }

            folded[i] = Alphabet[Symbols[c]];
        }

        return true;
    }

    private static byte[] CreateSymbols()
    {
        var symbols = new byte[128];
        Array.Fill(symbols, NotInAlphabet);
        for (var s = 0; s < Alphabet.Length; s++)
        {
            symbols[Alphabet[s]] = (byte)s;
            symbols[char.ToUpperInvariant(Alphabet[s])] = (byte)s;
        }

        return symbols;
    }
}
