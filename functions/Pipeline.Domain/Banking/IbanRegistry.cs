using System.Collections.Frozen;

namespace Pipeline.Domain.Banking;

/// <summary>
/// The length of an IBAN in each country of the ISO 13616 IBAN Registry (kept by SWIFT as the registration
/// authority), as the registry stood when this table was written (89 countries): every SEPA country and every other
/// country it lists; a registry release that adds a country needs a line here. An IBAN has exactly its country's
/// length, so a length check catches a dropped or doubled character before the mod-97 check, which about one such
/// slip in 97 passes.
/// </summary>
/// <remarks>
/// Territories that use another country's IBAN are not listed separately, because their IBANs begin with that
/// country's code: the French overseas departments and collectivities (FR), Guernsey, Jersey and the Isle of Man
/// (GB), the Åland Islands (FI), the Azores and Madeira (PT), the Canary Islands, Ceuta and Melilla (ES). Countries
/// that publish IBAN-like formats outside the registry (the "experimental" lists of some libraries) are left out on
/// purpose: a bank will not route to them, so an account there is better refused early.
/// </remarks>
internal static class IbanRegistry
{
    /// <summary>Country code (ISO 3166-1 alpha-2) → IBAN length in the electronic format.</summary>
    internal static readonly FrozenDictionary<string, int> LengthByCountry = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22,
        ["BH"] = 22, ["BI"] = 27, ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24,
        ["DE"] = 22, ["DJ"] = 27, ["DK"] = 18, ["DO"] = 28, ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18,
        ["FK"] = 18, ["FO"] = 18, ["FR"] = 27, ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27,
        ["GT"] = 28, ["HN"] = 28, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26,
        ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20,
        ["LU"] = 20, ["LV"] = 21, ["LY"] = 25, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MN"] = 20,
        ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NI"] = 28, ["NL"] = 18, ["NO"] = 15, ["OM"] = 23, ["PK"] = 24,
        ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["RU"] = 33, ["SA"] = 24,
        ["SC"] = 31, ["SD"] = 18, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["SO"] = 23, ["ST"] = 25,
        ["SV"] = 28, ["TL"] = 23, ["TN"] = 24, ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20,
        ["YE"] = 30,
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
