using System.ComponentModel.DataAnnotations;
using Pipeline.Application.Settings;

namespace Pipeline.Application.Charging;

/// <summary>Settings of charging sessions (section "Pipeline:Charging"), docs/CHARGING.md "Sessions".</summary>
[SettingsSection(Section)]
public sealed class ChargingOptions
{
    public const string Section = "Pipeline:Charging";

    /// <summary>A session with no event for this long is ended at its last event and captured: 1 second to 7 days, 2 hours by default.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// After Ended, how long to wait for events still missing (sent offline, numbered before Ended) before the session is
    /// priced without them: 0 to 1 day, 10 minutes by default. A complete session is captured at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan EndedGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A session's longest run when its station sets none: 1 minute to 7 days, 24 hours by default.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The energy a hold is sized for when the station sets no cap: 1 Wh to 10 MWh, 80 kWh by default (a large car battery).</summary>
    [Range(1L, ChargingLimits.StationEnergyWhMax)]
    public long HoldEnergyWh { get; set; } = 80_000;
}
