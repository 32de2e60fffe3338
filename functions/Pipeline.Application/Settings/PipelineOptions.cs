using System.ComponentModel.DataAnnotations;

namespace Pipeline.Application.Settings;

/// <summary>
/// Platform-wide settings. On Azure, <see cref="AdminKey"/> is a Key Vault reference
/// (@Microsoft.KeyVault(...)) resolved by the platform with the app's identity; locally it is a setting.
/// </summary>
[SettingsSection(Section)]
public sealed class PipelineOptions : IValidatableObject
{
    public const string Section = "Pipeline";

    private const string UnresolvedReference = "@Microsoft.KeyVault(";

    /// <summary>The bearer key of admin calls. At least 32 characters.</summary>
    [Required]
    [MinLength(32)]
    public string AdminKey { get; set; } = "";

    /// <summary>
    /// When the platform cannot resolve a Key Vault reference it leaves the reference text as the value, which
    /// is long enough to pass as a key; refuse it so a missing secret can never become a guessable admin key.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AdminKey.StartsWith(UnresolvedReference, StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult(
                "Pipeline:AdminKey is an unresolved Key Vault reference: check that the secret admin-key exists and the app's identity can read it.",
                [nameof(AdminKey)]);
        }
    }
}
