using Microsoft.Extensions.Configuration;

namespace Pipeline.Local.Tests;

/// <summary>The local host's own settings bind from their documented keys (full paths and the host.json name).</summary>
public sealed class LocalOptionsTests
{
    [Fact]
    public void Every_setting_binds_from_its_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:Local:Url"] = "http://127.0.0.1:7099",
            ["Pipeline:Local:StorageConnectionString"] = "UseDevelopmentStorage=true",
            ["Pipeline:Local:AzuriteFolder"] = "/tmp/azurite",
            ["PIPELINE_TASKHUB"] = "OtherHub",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317",
            ["Pipeline:AdminKey"] = "",
        }).Build();

        var local = LocalOptions.From(configuration);

        Assert.Equal(
            ("http://127.0.0.1:7099", "UseDevelopmentStorage=true", "/tmp/azurite", "OtherHub", "http://127.0.0.1:4317", ""),
            (local.Url, local.StorageConnectionString, local.AzuriteFolder, local.TaskHub, local.OtlpEndpoint, local.AdminKey));
    }

    [Fact]
    public void Nothing_set_means_the_defaults_and_no_admin_key()
    {
        var local = LocalOptions.From(new ConfigurationBuilder().Build());
        Assert.Equal((LocalHost.DefaultUrl, LocalHost.DefaultTaskHub, (string?)null, (string?)null), (local.Url, local.TaskHub, local.StorageConnectionString, local.AdminKey));
    }
}
