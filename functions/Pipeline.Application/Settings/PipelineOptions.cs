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

    public const int AdminKeyLengthMin = 32;

    /// <summary>What an app setting still holds when the platform could not resolve its Key Vault reference.</summary>
    public const string UnresolvedReference = "@Microsoft.KeyVault(";

    /// <summary>Names the setting in both of its spellings, because the operator who reads it sets one or the other.</summary>
    private const string AdminKeyRule =
        "Pipeline:AdminKey (app setting Pipeline__AdminKey) must be at least 32 characters; the local host generates one when it is not set at all.";

    /// <summary>The bearer key of admin calls. At least <see cref="AdminKeyLengthMin"/> characters.</summary>
    [Required(ErrorMessage = AdminKeyRule)]
    [MinLength(AdminKeyLengthMin, ErrorMessage = AdminKeyRule)]
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
