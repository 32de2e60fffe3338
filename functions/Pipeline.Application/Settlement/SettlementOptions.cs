using System.ComponentModel.DataAnnotations;
using Pipeline.Application.Merchants;
using Pipeline.Application.Settings;
using Pipeline.Domain.Banking;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Settlement;

/// <summary>Settings of settlement (section "Pipeline:Settlement"): the platform's own account payouts are paid from, and the daily run.</summary>
[SettingsSection(Section)]
public sealed class SettlementOptions : IValidatableObject
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

    /// <summary>Checked at start-up: a host never starts to write payout files from an account that is not one, nor misses its daily run.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Iban.TryNormalize(DebtorIban, out _))
        {
            yield return new ValidationResult("DebtorIban is not a valid IBAN (ISO 13616).", [nameof(DebtorIban)]);
        }

        if (!string.IsNullOrEmpty(DebtorBic) && !Bic.TryNormalize(DebtorBic, out _))
        {
            yield return new ValidationResult("DebtorBic is not a BIC of 8 or 11 characters (ISO 9362).", [nameof(DebtorBic)]);
        }

        if (!string.IsNullOrEmpty(DailyRunAtUtc) && SettlementSettings.CutoffMinutesOf(DailyRunAtUtc) is not (> 0 and < SettlementCalendar.MinutesPerDay))
        {
            yield return new ValidationResult("DailyRunAtUtc is a time \"HH:mm\" from 00:01 to 23:59, or empty.", [nameof(DailyRunAtUtc)]);
        }
    }
}
