using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipeline.Application.Charging;

/// <summary>The checks of an OCPI TariffRestrictions object, each bad field named by its path.</summary>
internal static partial class TariffRestrictionValidation
{
    private static readonly string[] Days = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];
    private static readonly string[] Reservations = ["RESERVATION", "RESERVATION_EXPIRES"];

    public static void Check(OcpiTariffRestrictions r, string path, Dictionary<string, string[]> errors)
    {
        foreach (var (name, value) in new[] { ("start_time", r.StartTime), ("end_time", r.EndTime) })
        {
            if (value is not null && !TimeOfDay().IsMatch(value))
            {
                errors[$"{path}.{name}"] = ["A local time of day, hh:mm in 24 hours (00:00 to 23:59)."];
            }
        }

        foreach (var (name, value) in new[] { ("start_date", r.StartDate), ("end_date", r.EndDate) })
        {
            if (value is not null && !DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                errors[$"{path}.{name}"] = ["A local date, yyyy-mm-dd."];
            }
        }

        Range(r.MinKwh, r.MaxKwh, ChargingLimits.MeasureMax, path, "kwh", errors);
        Range(r.MinCurrent, r.MaxCurrent, ChargingLimits.MeasureMax, path, "current", errors);
        Range(r.MinPower, r.MaxPower, ChargingLimits.MeasureMax, path, "power", errors);
        Range(r.MinDuration, r.MaxDuration, (decimal)ChargingLimits.SessionDurationMax.TotalSeconds, path, "duration", errors);
        for (var i = 0; r.DayOfWeek is not null && i < r.DayOfWeek.Count; i++)
        {
            if (!Days.Contains(r.DayOfWeek[i], StringComparer.Ordinal))
            {
                errors[$"{path}.day_of_week[{i}]"] = ["MONDAY to SUNDAY."];
            }
        }

        if (r.Reservation is { } reservation && !Reservations.Contains(reservation, StringComparer.Ordinal))
        {
            errors[$"{path}.reservation"] = ["RESERVATION or RESERVATION_EXPIRES."];
        }
    }

    private static void Range(decimal? min, decimal? max, decimal limit, string path, string name, Dictionary<string, string[]> errors)
    {
        foreach (var (bound, value) in new[] { ("min", min), ("max", max) })
        {
            if (value is { } v && (v < 0 || v > limit || decimal.Round(v, ChargingLimits.DecimalsMax) != v))
            {
                errors[$"{path}.{bound}_{name}"] = [$"From 0 to {limit}, at most {ChargingLimits.DecimalsMax} decimals."];
            }
        }

        if (min is { } low && max is { } high && low > high)
        {
            errors[$"{path}.max_{name}"] = [$"Not below min_{name}."];
        }
    }

    [GeneratedRegex(@"^([01][0-9]|2[0-3]):[0-5][0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex TimeOfDay();
}
