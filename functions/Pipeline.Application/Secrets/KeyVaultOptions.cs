using System.ComponentModel.DataAnnotations;
using Pipeline.Application.Settings;

namespace Pipeline.Application.Secrets;

/// <summary>The Key Vault holding the platform's own secrets (Azure only; the local host keeps them in memory).</summary>
[SettingsSection(Section)]
public sealed class KeyVaultOptions
{
    public const string Section = "Pipeline:KeyVault";

    /// <summary>The vault URI, e.g. https://kv-abc.vault.azure.net/.</summary>
    [Required]
    public Uri? Uri { get; set; }
}
