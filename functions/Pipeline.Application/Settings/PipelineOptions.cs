using System.ComponentModel.DataAnnotations;

namespace Pipeline.Application.Settings;

/// <summary>
/// Platform-wide settings. On Azure, <see cref="AdminKey"/> is a Key Vault reference
/// (@Microsoft.KeyVault(...)) resolved by the platform with the app's identity; locally it is a setting.
/// </summary>
[SettingsSection(Section)]
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>The bearer key of admin calls. At least 32 characters.</summary>
    [Required]
    [MinLength(32)]
    public string AdminKey { get; set; } = "";
}
