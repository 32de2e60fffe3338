using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Pipeline.Domain.Banking;

/// <summary>
/// The Latin character set the EPC SEPA rulebooks let banks exchange: a–z, A–Z, 0–9, space and / - ? : ( ) . , ' +.
/// The pain.001 schema does not restrict characters, but a bank may reject or garble anything outside this set, so
/// names and remittance text are transliterated into it before they are written, the way the EPC's conversion
/// table does it (é → e, ß → ss, &amp; → +), and identifiers must already be in it.
/// </summary>
/// <remarks>
/// Transliteration is written out as a table because the platform runs with invariant globalization, where Unicode
/// decomposition (<see cref="string.Normalize()"/>) is not available. It covers the Latin letters of Europe's
/// languages (Latin-1 and Latin Extended-A, Romanian's comma-below letters); combining accents are dropped, other
/// whitespace becomes a space, anything else (symbols, other scripts, emoji) becomes a space, and runs of spaces
/// collapse to one, so the text stays readable and never grows gaps.
/// </remarks>
public static class SepaText
{
    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ");

    private static readonly FrozenDictionary<char, string> Replacements = BuildReplacements(
        ("ÀÁÂÃÄÅĀĂĄ", "A"), ("àáâãäåāăą", "a"), ("ÇĆĈĊČ", "C"), ("çćĉċč", "c"), ("ÐĎĐ", "D"), ("ðďđ", "d"),
        ("ÈÉÊËĒĔĖĘĚ", "E"), ("èéêëēĕėęě", "e"), ("ĜĞĠĢ", "G"), ("ĝğġģ", "g"), ("ĤĦ", "H"), ("ĥħ", "h"),
        ("ÌÍÎÏĨĪĬĮİ", "I"), ("ìíîïĩīĭįı", "i"), ("Ĵ", "J"), ("ĵ", "j"), ("Ķ", "K"), ("ķĸ", "k"),
        ("ĹĻĽĿŁ", "L"), ("ĺļľŀł", "l"), ("ÑŃŅŇŊ", "N"), ("ñńņňŉŋ", "n"), ("ÒÓÔÕÖØŌŎŐ", "O"), ("òóôõöøōŏő", "o"),
        ("ŔŖŘ", "R"), ("ŕŗř", "r"), ("ŚŜŞŠȘ", "S"), ("śŝşšșſ", "s"), ("ŢŤŦȚ", "T"), ("ţťŧț", "t"),
        ("ÙÚÛÜŨŪŬŮŰŲ", "U"), ("ùúûüũūŭůűų", "u"), ("Ŵ", "W"), ("ŵ", "w"), ("ÝŶŸ", "Y"), ("ýÿŷ", "y"),
        ("ŹŻŽ", "Z"), ("źżž", "z"), ("Æ", "AE"), ("æ", "ae"), ("Œ", "OE"), ("œ", "oe"), ("Ĳ", "IJ"), ("ĳ", "ij"),
        ("Þ", "TH"), ("þ", "th"), ("ẞ", "SS"), ("ß", "ss"), ("&", "+"), ("\"`´‘’‚‛“”„", "'"), ("_‐‑‒–—―", "-"));

    /// <summary>
    /// <paramref name="text"/> in the SEPA character set, without leading, trailing or repeated spaces, cut to
    /// <paramref name="lengthMax"/> characters; empty when nothing in it can be written.
    /// </summary>
    public static string Transliterate(string text, int lengthMax)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lengthMax);
        var result = new StringBuilder(lengthMax);
        foreach (var c in text)
        {
            if (result.Length >= lengthMax)
            {
                break;
            }

            if (Allowed.Contains(c) && c != ' ')
            {
                result.Append(c);
            }
            else if (Replacements.TryGetValue(c, out var replacement))
            {
                result.Append(replacement);
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark)
                && result.Length > 0 && result[^1] != ' ')
            {
                result.Append(' ');
            }
        }

        return result.ToString(0, Math.Min(result.Length, lengthMax)).TrimEnd();
    }

    /// <summary>
    /// Whether <paramref name="id"/> may be a message, payment information or end-to-end identification: 1 to 35
    /// characters of the set, no space (bank systems trim and split on them), and no "/" at either end nor "//"
    /// inside, which the EPC guidelines forbid because some banks use slashes as field separators.
    /// </summary>
    public static bool IsIdentifier(string? id) =>
        id is { Length: > 0 and <= BankingLimits.SepaIdentifierLengthMax }
        && !id.AsSpan().ContainsAnyExcept(Allowed) && !id.Contains(' ', StringComparison.Ordinal)
        && id[0] != '/' && id[^1] != '/' && !id.Contains("//", StringComparison.Ordinal);

    private static FrozenDictionary<char, string> BuildReplacements(params (string From, string To)[] groups) =>
        groups.SelectMany(group => group.From.Select(c => KeyValuePair.Create(c, group.To))).ToFrozenDictionary();
}
