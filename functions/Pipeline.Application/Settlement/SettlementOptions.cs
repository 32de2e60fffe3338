using System.ComponentModel.DataAnnotations;
using Pipeline.Application.Settings;

namespace Pipeline.Application.Settlement;

/// <summary>Settings of settlement (section "Pipeline:Settlement"): the platform's own account payouts are paid from, and the daily run.</summary>
[SettingsSection(Section)]
public sealed class SettlementOptions
{
    public const string Section = "Pipeline:Settlement";

    /// <summary>The account holder payouts are sent from (the debtor of every pain.001).</summary>
    [Required]
    [StringLength(70, MinimumLength = 1)]
    public string DebtorName { get; set; } = "Pipeline Payments";

    /// <summary>The platform's payout account (an IBAN). The default is the ISO 13616 example account: set the real one in production.</summary>
    [Required]
    public string DebtorIban { get; set; } = "DE89370400440532013000";

    /// <summary>Its bank's BIC; without one the file says NOTPROVIDED, as the EPC guidelines allow.</summary>
    public string? DebtorBic { get; set; }

    /// <summary>
    /// When the daily run starts, "HH:mm" UTC, for the previous UTC date; empty: no daily run (the local host's
    /// default, so tests are never settled under their feet; runs are then started with POST /settlements/runs).
    /// </summary>
    public string? DailyRunAtUtc { get; set; }
}
