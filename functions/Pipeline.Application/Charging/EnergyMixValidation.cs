namespace Pipeline.Application.Charging;

/// <summary>The checks of a tariff's OCPI EnergyMix, each bad field named by its path.</summary>
internal static class EnergyMixValidation
{
    private const int ListMax = 16;
    private const int NameLengthMax = 64;
    private const decimal ImpactMax = 100_000m;

    private static readonly string[] Sources = ["NUCLEAR", "GENERAL_FOSSIL", "COAL", "GAS", "GENERAL_GREEN", "SOLAR", "WIND", "WATER"];
    private static readonly string[] Impacts = ["NUCLEAR_WASTE", "CARBON_DIOXIDE"];

    public static void Check(OcpiEnergyMix mix, Dictionary<string, string[]> errors)
    {
        List(mix.EnergySources, "energy_mix.energy_sources", errors, (source, path) =>
        {
            if (!Sources.Contains(source.Source, StringComparer.Ordinal))
            {
                errors[$"{path}.source"] = [$"One of {string.Join(", ", Sources)}."];
            }

            if (source.Percentage is < 0 or > 100)
            {
                errors[$"{path}.percentage"] = ["From 0 to 100."];
            }
        });
        List(mix.EnvironImpact, "energy_mix.environ_impact", errors, (impact, path) =>
        {
            if (!Impacts.Contains(impact.Category, StringComparer.Ordinal))
            {
                errors[$"{path}.category"] = [$"One of {string.Join(", ", Impacts)}."];
            }

            if (impact.Amount is < 0 or > ImpactMax)
            {
                errors[$"{path}.amount"] = [$"From 0 to {ImpactMax} g/kWh."];
            }
        });
        foreach (var (name, value) in new[] { ("supplier_name", mix.SupplierName), ("energy_product_name", mix.EnergyProductName) })
        {
            if (value is { Length: 0 or > NameLengthMax })
            {
                errors[$"energy_mix.{name}"] = [$"1 to {NameLengthMax} characters."];
            }
        }
    }

    private static void List<T>(IReadOnlyList<T>? items, string path, Dictionary<string, string[]> errors, Action<T, string> check)
    {
        if (items is { Count: > ListMax })
        {
            errors[path] = [$"At most {ListMax}."];
            return;
        }

        for (var i = 0; items is not null && i < items.Count; i++)
        {
            if (items[i] is null)
            {
                errors[$"{path}[{i}]"] = [TariffValidation.NotNull];
                continue;
            }

            check(items[i], $"{path}[{i}]");
        }
    }
}
