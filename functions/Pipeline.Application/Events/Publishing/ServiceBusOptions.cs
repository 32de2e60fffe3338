using System.ComponentModel.DataAnnotations;
using Pipeline.Application.Settings;

namespace Pipeline.Application.Events.Publishing;

/// <summary>
/// Where integration events are published (Azure only; the local host keeps its own event log). The app signs in
/// with its managed identity: local auth is off on the namespace, so there is no connection string setting.
/// </summary>
[SettingsSection(Section)]
public sealed class ServiceBusOptions
{
    public const string Section = "Pipeline:ServiceBus";

    /// <summary>
    /// The namespace's host name, e.g. sb-abc.servicebus.windows.net. Only a host name is accepted, so a connection
    /// string pasted here (with its key) is refused at start-up rather than handed to the SDK.
    /// </summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9][A-Za-z0-9.-]*$")]
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>The topic events are sent to; infra/ declares it with duplicate detection on.</summary>
    [Required]
    public string Topic { get; set; } = ServiceBusEntities.Topic;
}
