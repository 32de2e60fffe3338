using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Infrastructure.Tests;

/// <summary>Resource logs go to Log Analytics, and the alerts docs/OPERATIONS.md describes exist as resources.</summary>
[Collection(CompiledInfrastructureCollection.Name)]
public sealed partial class ObservabilityTests(CompiledInfrastructure infra)
{
    [GeneratedRegex("\\* has \"([^\"]+)\"")]
    private static partial Regex MessageFragment();

    [Theory]
    [InlineData("Microsoft.KeyVault/vaults", "AuditEvent")]
    [InlineData("Microsoft.DocumentDB/databaseAccounts", "DataPlaneRequests")]
    [InlineData("Microsoft.ServiceBus/namespaces", "OperationalLogs")]
    [InlineData("Microsoft.Web/sites", "FunctionAppLogs")]
    public void Resource_logs_go_to_the_workspace(string resourceType, string category)
    {
        var setting = DiagnosticSettings().SingleOrDefault(s => s["scope"]!.GetValue<string>().Contains($"resourceId('{resourceType}'", StringComparison.Ordinal));
        Assert.True(setting is not null, $"no diagnostic setting on {resourceType}");
        Assert.Contains("Microsoft.OperationalInsights/workspaces", setting["properties"]!["workspaceId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(setting["properties"]!["logs"]!.AsArray(), log => log!["category"]!.GetValue<string>() == category && log["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void The_documented_log_alerts_exist_and_notify_the_action_groups()
    {
        var alerts = infra.ModuleTemplate("alerts");
        var names = alerts["variables"]!["logAlerts"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["money-in-flight", "http-5xx-rate", "durable-failures", "events-stalled", "settlement-failed"], names);
        var rule = CompiledInfrastructure.Resources(alerts).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Insights/scheduledQueryRules");
        Assert.Equal("[variables('actionGroups')]", rule["properties"]!["actions"]!["actionGroups"]!.GetValue<string>());
        Assert.Contains("Microsoft.Insights/components", rule["properties"]!["scopes"]!.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>The money-in-flight, events-stalled and settlement-failed alerts match log messages by text: each fragment must still be logged by the code.</summary>
    [Theory]
    [InlineData("money-in-flight")]
    [InlineData("events-stalled")]
    [InlineData("settlement-failed")]
    public void The_alerts_on_log_text_match_messages_the_code_logs(string alert)
    {
        var query = infra.ModuleTemplate("alerts")["variables"]!["logAlerts"]!.AsArray()
            .Single(a => a!["name"]!.GetValue<string>() == alert)!["query"]!.GetValue<string>();
        // The messages are logged with their exception, which the exporter files under exceptions, not traces.
        Assert.StartsWith("union traces, exceptions", query, StringComparison.Ordinal);
        var fragments = MessageFragment().Matches(query).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(fragments);
        var code = string.Join('\n', Directory.GetFiles(BicepCli.InRepository("functions"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        Assert.All(fragments, fragment => Assert.Contains(fragment, code, StringComparison.Ordinal));
    }

    [Fact]
    public void Cosmos_throttling_alerts_on_429_responses()
    {
        var alert = CompiledInfrastructure.Resources(infra.ModuleTemplate("alerts")).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Insights/metricAlerts");
        var criterion = alert["properties"]!["criteria"]!["allOf"]![0]!;
        Assert.Equal("TotalRequests", criterion["metricName"]!.GetValue<string>());
        Assert.Equal("StatusCode", criterion["dimensions"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(["429"], criterion["dimensions"]![0]!["values"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Contains("Microsoft.DocumentDB/databaseAccounts", alert["properties"]!["scopes"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_e_mail_address_or_an_existing_action_group_is_a_parameter()
    {
        var parameters = infra.Main["parameters"]!.AsObject();
        Assert.Equal("", parameters["alertEmailAddress"]!["defaultValue"]!.GetValue<string>());
        Assert.Equal("", parameters["alertActionGroupId"]!["defaultValue"]!.GetValue<string>());
        var given = infra.Module("alerts")["properties"]!["parameters"]!.AsObject();
        Assert.Equal("[parameters('alertEmailAddress')]", given["alertEmailAddress"]!["value"]!.GetValue<string>());
        Assert.Equal("[parameters('alertActionGroupId')]", given["alertActionGroupId"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Zone_redundancy_is_a_parameter_of_the_plan_and_the_storage()
    {
        Assert.False(infra.Main["parameters"]!["zoneRedundant"]!["defaultValue"]!.GetValue<bool>());
        Assert.Equal("[parameters('zoneRedundant')]", infra.Single("api", "Microsoft.Web/serverfarms")["properties"]!["zoneRedundant"]!.GetValue<string>());
        Assert.Contains("Standard_ZRS", infra.Single("storage", "Microsoft.Storage/storageAccounts")["sku"]!["name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("parameters('zoneRedundant')", infra.ModuleTemplate("api")["variables"]!["alwaysReadyMin"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>azd offers only regions with Flex Consumption (the list and how to extend it are in main.bicep).</summary>
    [Fact]
    public void Azd_offers_only_flex_consumption_regions()
    {
        var location = infra.Main["parameters"]!["location"]!;
        Assert.Equal("location", location["metadata"]!["azd"]!["type"]!.GetValue<string>());
        var allowed = location["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        Assert.Contains("swedencentral", allowed);
        Assert.All(allowed, region => Assert.Matches("^[a-z0-9]+$", region));
    }

    private IEnumerable<JsonObject> DiagnosticSettings() =>
        CompiledInfrastructure.Resources(infra.ModuleTemplate("diagnostics")).Where(r => r["type"]!.GetValue<string>() == "Microsoft.Insights/diagnosticSettings");
}
