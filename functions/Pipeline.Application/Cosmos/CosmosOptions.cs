using System.ComponentModel.DataAnnotations;
using Pipeline.Application.Settings;

namespace Pipeline.Application.Cosmos;

/// <summary>Where the Cosmos DB account is. On Azure the app authenticates with its managed identity; there is no key setting.</summary>
[SettingsSection(Section)]
public sealed class CosmosOptions
{
    public const string Section = "Pipeline:Cosmos";

    /// <summary>The account endpoint, e.g. https://cosmos-abc.documents.azure.com:443/.</summary>
    [Required]
    public Uri? Endpoint { get; set; }

    /// <summary>The database holding every container of <see cref="Composition.CosmosContainerCatalog"/>.</summary>
    [Required]
    public string DatabaseName { get; set; } = "pipeline";
}
