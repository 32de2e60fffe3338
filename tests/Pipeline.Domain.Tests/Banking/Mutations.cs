namespace Pipeline.Domain.Tests.Banking;

/// <summary>The typing slips a check-digit scheme is meant to catch, applied to a code in the electronic format.</summary>
internal static class Mutations
{
    private const string Digits = "0123456789";
    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>
    /// Every code with one digit replaced by another digit or one letter by another letter. (A digit typed for a
    /// letter changes the number's length in the MOD 97-10 check, which is why ISO 7064 guarantees nothing for it.)
    /// </summary>
    public static IEnumerable<string> SameKindSubstitutions(string code)
    {
        for (var i = 0; i < code.Length; i++)
        {
            var alphabet = char.IsAsciiDigit(code[i]) ? Digits : Letters;
            foreach (var c in alphabet.Where(c => c != code[i]))
            {
                yield return string.Concat(code.AsSpan(0, i), c.ToString(), code.AsSpan(i + 1));
            }
        }
    }

    /// <summary>Every code with two different neighbouring characters swapped.</summary>
    public static IEnumerable<string> NeighbourSwaps(string code)
    {
        for (var i = 0; i + 1 < code.Length; i++)
        {
            if (code[i] != code[i + 1])
            {
                yield return string.Concat(code.AsSpan(0, i), $"{code[i + 1]}{code[i]}", code.AsSpan(i + 2));
            }
        }
    }
}
