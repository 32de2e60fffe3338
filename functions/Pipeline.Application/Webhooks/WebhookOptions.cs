using System.ComponentModel.DataAnnotations;
using System.Net;
using Pipeline.Application.Settings;

namespace Pipeline.Application.Webhooks;

/// <summary>Settings of webhook endpoints (section "Pipeline:Webhooks"): what an endpoint's URL may point at.</summary>
[SettingsSection(Section)]
public sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Pipeline:Webhooks";

    /// <summary>Whether an endpoint may use http:// (false on Azure; the local host allows it for receivers on one machine).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Networks (CIDR, comma-separated) a webhook may reach although they are private, loopback or link-local — an
    /// operator's own receivers inside its network. Empty on Azure: no endpoint may reach into the platform's network.
    /// </summary>
    public string AllowedNetworks { get; set; } = "";

    /// <summary>The parsed <see cref="AllowedNetworks"/>.</summary>
    public IReadOnlyList<IPNetwork> Networks() =>
        [.. AllowedNetworks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IPNetwork.Parse)];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var network in AllowedNetworks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                yield return new ValidationResult($"'{network}' is not a network in CIDR notation (e.g. 10.1.0.0/16).", [nameof(AllowedNetworks)]);
            }
        }
    }
}
