using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Settings;

namespace Pipeline.Infrastructure.Tests;

/// <summary>
/// Every setting the code reads is set on the Function App by infra/ and listed in local.settings.sample.json, and
/// the Function App follows the Flex Consumption rules for runtime settings.
/// </summary>
[Collection(CompiledInfrastructureCollection.Name)]
public sealed partial class SettingsContractTests(CompiledInfrastructure infra)
{
    /// <summary>Settings the Functions host and the SDKs read by name (connections, telemetry, identity).</summary>
    public static readonly string[] RuntimeSettings =
    [
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "AZURE_CLIENT_ID",
    ];

    /// <summary>Settings Flex Consumption refuses: the runtime and its version live in functionAppConfig instead.</summary>
    public static readonly string[] SettingsFlexRefuses =
    [
        "FUNCTIONS_WORKER_RUNTIME",
        "FUNCTIONS_EXTENSION_VERSION",
        "FUNCTIONS_WORKER_RUNTIME_VERSION",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTSHARE",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        "WEBSITE_NODE_DEFAULT_VERSION",
        "SCM_DO_BUILD_DURING_DEPLOYMENT",
        "AzureWebJobsStorage",
    ];

    [GeneratedRegex("%([A-Za-z0-9_]+)%")]
    private static partial Regex HostJsonSetting();

    /// <summary>App setting names of every property of every [SettingsSection] options class.</summary>
    public static IReadOnlyList<string> CodeSettings() =>
        typeof(CosmosOptions).Assembly.GetTypes()
            .Select(type => (Type: type, Section: type.GetCustomAttribute<SettingsSectionAttribute>()))
            .Where(t => t.Section is not null)
            .SelectMany(t => t.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanWrite)
                .Select(p => $"{t.Section!.Name.Replace(":", "__", StringComparison.Ordinal)}__{p.Name}"))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Settings host.json reads through %name%, e.g. the Durable task hub.</summary>
    public static IReadOnlyList<string> HostJsonSettings() =>
        HostJsonSetting().Matches(File.ReadAllText(BicepCli.InRepository("host.json"))).Select(m => m.Groups[1].Value).Distinct().ToList();

    /// <summary>
    /// The Functions host resolves each %name% in host.json by looking the name up as a configuration key, and an app
    /// setting reaches configuration with "__" turned into ":" (the environment-variables provider). So a name with
    /// "__" never resolves: the literal stays, the task hub name is refused and the host — every function with it —
    /// does not start. Each name is resolved here exactly that way against the app settings infra/ sets.
    /// </summary>
    [Fact]
    public void Every_host_json_setting_resolves_the_way_the_host_resolves_it()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(infra.AppSettings().Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)))
            .Build();

        Assert.NotEmpty(HostJsonSettings());
        Assert.DoesNotContain(HostJsonSettings(), name => string.IsNullOrEmpty(configuration[name]));
        Assert.DoesNotContain(HostJsonSettings(), name => name.Contains("__", StringComparison.Ordinal));
    }

    /// <summary>
    /// The worker exports its traces and logs with OpenTelemetry (signed in as the managed identity: Application
    /// Insights has local auth off); the host must do the same, or the two streams do not correlate.
    /// </summary>
    [Fact]
    public void The_host_sends_its_telemetry_as_OpenTelemetry_like_the_worker()
    {
        var host = JsonNode.Parse(File.ReadAllText(BicepCli.InRepository("host.json")))!;
        Assert.Equal("OpenTelemetry", host["telemetryMode"]?.GetValue<string>());
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", infra.AppSettings().Keys);
    }

    [Fact]
    public void The_code_has_settings_sections() =>
        Assert.Contains("Pipeline__Cosmos__Endpoint", CodeSettings());

    [Fact]
    public void Infra_sets_every_setting_the_code_and_host_read()
    {
        var settings = infra.AppSettings();
        var missing = CodeSettings().Concat(HostJsonSettings()).Concat(RuntimeSettings)
            .Where(name => !settings.ContainsKey(name)).Distinct().ToList();
        Assert.True(missing.Count == 0, $"infra/app/api.bicep does not set: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Local_settings_sample_lists_every_setting_of_the_code()
    {
        var values = JsonNode.Parse(File.ReadAllText(BicepCli.InRepository("local.settings.sample.json")))!["Values"]!.AsObject();
        var missing = CodeSettings().Concat(HostJsonSettings())
            .Where(name => !values.ContainsKey(name)).Distinct().ToList();
        Assert.True(missing.Count == 0, $"local.settings.sample.json does not list: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Infra_sets_no_pipeline_setting_the_code_does_not_know()
    {
        var known = CodeSettings().ToHashSet(StringComparer.Ordinal);
        var unknown = infra.AppSettings().Keys.Where(k => k.StartsWith("Pipeline__", StringComparison.Ordinal) && !known.Contains(k)).ToList();
        Assert.True(unknown.Count == 0, $"infra sets settings no code reads: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Flex_consumption_runtime_is_in_function_app_config_not_in_settings()
    {
        var refused = infra.AppSettings().Keys.Intersect(SettingsFlexRefuses, StringComparer.OrdinalIgnoreCase).ToList();
        Assert.True(refused.Count == 0, $"Flex Consumption refuses these app settings: {string.Join(", ", refused)}");

        var properties = infra.Single("api", "Microsoft.Web/sites")["properties"]!;
        Assert.Equal("dotnet-isolated", properties["functionAppConfig"]!["runtime"]!["name"]!.GetValue<string>());
        Assert.Equal($"{Environment.Version.Major}.0", properties["functionAppConfig"]!["runtime"]!["version"]!.GetValue<string>());
        var plan = infra.Single("api", "Microsoft.Web/serverfarms");
        Assert.Equal("FlexConsumption", plan["sku"]!["tier"]!.GetValue<string>());
        Assert.Equal("FC1", plan["sku"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Always_ready_instances_cover_http_and_durable()
    {
        var groups = infra.ModuleTemplate("api")["variables"]!["alwaysReady"]!.GetValue<string>();
        Assert.Contains("'http'", groups, StringComparison.Ordinal);
        Assert.Contains("'durable'", groups, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_storage_is_identity_based()
    {
        var settings = infra.AppSettings();
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Contains("Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
        Assert.Equal(settings["AZURE_CLIENT_ID"], settings["AzureWebJobsStorage__clientId"]);
    }
}
