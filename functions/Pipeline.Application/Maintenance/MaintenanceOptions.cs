using System.ComponentModel.DataAnnotations;
using Pipeline.Application.Settings;

namespace Pipeline.Application.Maintenance;

/// <summary>Settings of the ledger maintenance orchestration (section "Pipeline:Maintenance").</summary>
[SettingsSection(Section)]
public sealed class MaintenanceOptions
{
    public const string Section = "Pipeline:Maintenance";

    /// <summary>How often a pass runs: 1 second to 1 day, 1 minute by default. Read when the orchestration starts.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The grace period: how long a transfer, charge or payment operation must have been left unfinished before a pass
    /// drives it to its end (a younger one is presumably still being run by its request). 1 second to 1 hour, 2 minutes
    /// by default; a shorter one finishes a crashed request's work sooner, at the cost of more passes racing live
    /// requests (harmless: every step is idempotent). Read on every pass.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RecoverAfter { get; set; } = TimeSpan.FromMinutes(2);
}
