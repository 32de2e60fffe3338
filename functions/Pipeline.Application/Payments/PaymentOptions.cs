using System.ComponentModel.DataAnnotations;
using Pipeline.Application.Settings;

namespace Pipeline.Application.Payments;

/// <summary>Settings of payments (section "Pipeline:Payments").</summary>
[SettingsSection(Section)]
public sealed class PaymentOptions
{
    public const string Section = "Pipeline:Payments";

    /// <summary>How long a manual payment's hold lasts before it is released: 1 second to 30 days, 7 days by default.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan AuthorizationWindow { get; set; } = TimeSpan.FromDays(7);
}
