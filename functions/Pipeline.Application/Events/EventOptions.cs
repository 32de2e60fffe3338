using Pipeline.Application.Settings;

namespace Pipeline.Application.Events;

/// <summary>Settings of event relaying (section "Pipeline:Events").</summary>
[SettingsSection(Section)]
public sealed class EventOptions
{
    public const string Section = "Pipeline:Events";

    /// <summary>
    /// Whether this host runs the event relays (true by default). Events are written with every change either way;
    /// off, they wait in their outboxes until a host with relays on reads them (tests, and benchmarks without them).
    /// </summary>
    public bool RelayEnabled { get; set; } = true;
}
