using System.ComponentModel.DataAnnotations;
using Pipeline.Application.Settings;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Merchants;

/// <summary>Settings of merchants (section "Pipeline:Merchants").</summary>
[SettingsSection(Section)]
public sealed class MerchantOptions
{
    public const string Section = "Pipeline:Merchants";

    /// <summary>
    /// How long after it is set a price takes effect (<see cref="PricingSchedule.TakesEffectAfter"/>, one minute, by
    /// default). Keep it above the longest clock difference between instances plus a request's longest pause: a shorter
    /// one lets a price reach back over captures a run has settled. Tests that price and pay at once set 0.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan PriceTakesEffectAfter { get; set; } = PricingSchedule.TakesEffectAfter;
}
