using System.Globalization;

namespace Pipeline.Domain.Banking;

/// <summary>
/// What IBANs (ISO 13616) and creditor references (ISO 11649) share: a code of ASCII letters and digits that people
/// write with spaces and in lower case, and the ISO 7064 MOD 97-10 check in which letters count as the numbers
/// A = 10 … Z = 35 and the code is read with its first four characters moved to the end.
/// </summary>
internal static class AlphanumericCode
{
    /// <summary>Two letters (a country, or "RF") and two check digits: the part moved to the end for the check.</summary>
    internal const int PrefixLength = 4;

    private const int Modulus = 97;

    /// <summary>Check digits are 98 minus the remainder of the code with "00" in their place (ISO 7064).</summary>
    private const int CheckBase = 98;

    /// <summary>The valid check digits are 02 to 98: 00, 01 and 99 can pass the remainder test but are never issued.</summary>
    private const int CheckDigitsMin = 2;

    private const int CheckDigitsMax = 98;

    /// <summary>A letter's value in the check: A = 10 … Z = 35.</summary>
    private const int LetterOffset = 10;

    /// <summary>
    /// The code without whitespace and in upper case, or null when it holds anything but ASCII letters, digits and
    /// whitespace, is empty, or is longer than <paramref name="lengthMax"/> (checked as it goes, so a huge input
    /// costs no more than a long code).
    /// </summary>
    internal static string? Compact(string? input, int lengthMax)
    {
        if (input is null)
        {
            return null;
        }

        Span<char> code = stackalloc char[lengthMax];
        var length = 0;
        foreach (var c in input)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            if (!char.IsAsciiLetterOrDigit(c) || length == lengthMax)
            {
                return null;
            }

            code[length++] = char.ToUpperInvariant(c);
        }

        return length == 0 ? null : new string(code[..length]);
    }

    /// <summary>Whether a compact code's check digits (characters 3 and 4) are in range and make the check come out at 1.</summary>
    internal static bool HasValidCheckDigits(string code) =>
        code.Length > PrefixLength && char.IsAsciiDigit(code[2]) && char.IsAsciiDigit(code[3])
        && ((code[2] - '0') * 10) + (code[3] - '0') is >= CheckDigitsMin and <= CheckDigitsMax
        && Remainder(code.AsSpan(0, PrefixLength), Remainder(code.AsSpan(PrefixLength), 0)) == 1;

    /// <summary>The two check digits for <paramref name="body"/> behind the two-letter <paramref name="prefix"/>.</summary>
    internal static string CheckDigits(string prefix, string body)
    {
        var remainder = Remainder($"{prefix}00", Remainder(body, 0));
        return (CheckBase - remainder).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The remainder mod 97 of the number <paramref name="carried"/> followed by the digits of
    /// <paramref name="chars"/>, one digit at a time, so no code is ever too long for an int.
    /// </summary>
    private static int Remainder(ReadOnlySpan<char> chars, int carried)
    {
        foreach (var c in chars)
        {
            carried = char.IsAsciiDigit(c)
                ? ((carried * 10) + (c - '0')) % Modulus
                : ((carried * 100) + (c - 'A' + LetterOffset)) % Modulus;
        }

        return carried;
    }
}
