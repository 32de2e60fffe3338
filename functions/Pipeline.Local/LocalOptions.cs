
namespace Pipeline.Local;

/// <summary>
/// The settings only the local host reads, bound from the root of configuration (each names its full key): where it
/// listens, the task hub and its storage, whether traces are exported, and whether an admin key was given. The
/// platform's own settings are the options classes of Pipeline.Application, bound the same way on both hosts.
/// </summary>
public sealed class LocalOptions
{
    /// <summary>Where the server listens.</summary>
    [ConfigurationKeyName("Pipeline:Local:Url")]
    public string Url { get; set; } = LocalHost.DefaultUrl;

    /// <summary>The task hub's storage account; empty to start Azurite here.</summary>
    [ConfigurationKeyName("Pipeline:Local:StorageConnectionString")]
    public string? StorageConnectionString { get; set; }

    /// <summary>Where Azurite keeps its data; the repository's .azurite/ when empty.</summary>
    [ConfigurationKeyName("Pipeline:Local:AzuriteFolder")]
    public string? AzuriteFolder { get; set; }

    /// <summary>The Durable task hub, the same setting host.json reads on Azure.</summary>
    [ConfigurationKeyName("PIPELINE_TASKHUB")]
    public string TaskHub { get; set; } = LocalHost.DefaultTaskHub;

    /// <summary>The OpenTelemetry collector (the SDK reads it too); traces are recorded only when it is set.</summary>
    [ConfigurationKeyName("OTEL_EXPORTER_OTLP_ENDPOINT")]
    public string? OtlpEndpoint { get; set; }

    /// <summary>A file the local event log appends every published event to, as a JSON line (none when empty).</summary>
    [ConfigurationKeyName("Pipeline:Local:EventLogPath")]
    public string? EventLogPath { get; set; }

    /// <summary>The admin key as given; the local host makes one for the run when none is.</summary>
    [ConfigurationKeyName("Pipeline:AdminKey")]
    public string? AdminKey { get; set; }

    public static LocalOptions From(IConfiguration configuration) => configuration.Get<LocalOptions>() ?? new LocalOptions();
}
