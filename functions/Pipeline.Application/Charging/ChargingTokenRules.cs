namespace Pipeline.Application.Charging;

/// <summary>
/// What an OCPP 2.0.1 idToken of each IdTokenEnumType looks like, and its one spelling: OCPP compares idTokens without
/// case, and a card's UID or a MAC address may be written with or without separators, so each is stored upper-case
/// without them — the same card registered twice collides.
/// </summary>
public static class ChargingTokenRules
{
    public static readonly string[] Types = ["Central", "eMAID", "ISO14443", "ISO15693", "KeyCode", "Local", "MacAddress"];

    /// <summary>An eMAID without its check digit: ISO 15118's 14 characters (the 15th is computed from them).</summary>
    private const int EmaidLength = 14;

    public static string Normalized(string type, string idToken)
    {
        ArgumentNullException.ThrowIfNull(idToken);
        var upper = idToken.ToUpperInvariant();
        var bare = type is "eMAID" or "MacAddress" or "ISO14443" or "ISO15693" ? upper.Replace("-", "", StringComparison.Ordinal).Replace(":", "", StringComparison.Ordinal) : upper;
        // The same contract with and without its check digit is one token.
        return type == "eMAID" && bare.Length == EmaidLength + 1 ? bare[..EmaidLength] : bare;
    }

    /// <summary>Why <paramref name="idToken"/> is not a token of <paramref name="type"/>, or null.</summary>
    public static string? Refusal(string type, string? idToken)
    {
        if (string.IsNullOrEmpty(idToken) || idToken.Length > ChargingLimits.IdTokenLengthMax || idToken.Any(c => c is < '!' or > '~'))
        {
            return $"1 to {ChargingLimits.IdTokenLengthMax} printable ASCII characters, no spaces.";
        }

        var value = Normalized(type, idToken);
        return type switch
        {
            "ISO14443" when !(value.Length is 8 or 14 or 20 && value.All(char.IsAsciiHexDigit)) => "An ISO 14443 UID: 4, 7 or 10 bytes in hex.",
            "ISO15693" when !(value.Length == 16 && value.All(char.IsAsciiHexDigit)) => "An ISO 15693 UID: 8 bytes in hex.",
            "MacAddress" when !(value.Length == 12 && value.All(char.IsAsciiHexDigit)) => "A MAC address: 6 bytes in hex.",
            "eMAID" when !(value.Length == EmaidLength && value.All(char.IsAsciiLetterOrDigit)) => "An ISO 15118 eMAID: 14 letters and digits, or 15 with its check digit (hyphens allowed).",
            _ => null,
        };
    }
}
