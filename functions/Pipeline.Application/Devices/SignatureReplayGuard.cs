using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;

namespace Pipeline.Application.Devices;

/// <summary>
/// Each signature is accepted once: its first use creates a document (container "signatures", partition = the
/// signature) that Cosmos DB deletes after twice the timestamp tolerance; a second use finds it and is refused.
/// Older signatures need no record, the timestamp check already refuses them.
/// </summary>
public sealed class SignatureReplayGuard(Database database)
{
    public const string ContainerName = "signatures";

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties() =>
        new(ContainerName, "/id") { DefaultTimeToLive = (int)(RequestSignature.Tolerance.TotalSeconds * 2) };

    /// <summary>
    /// True the first time this signature is seen, false every time after. It takes only a verified, canonical
    /// signature: keyed on the text as sent, each other spelling of the same hex would count as a first use.
    /// </summary>
    public async Task<bool> FirstUseAsync(string signer, CanonicalSignature signature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var id = $"{signer}:{signature.Hex}";
        try
        {
            await container.CreateItemAsync(new SeenSignature(id), new PartitionKey(id), cancellationToken: cancellationToken);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    private sealed record SeenSignature([property: JsonPropertyName("id")] string Id);
}
