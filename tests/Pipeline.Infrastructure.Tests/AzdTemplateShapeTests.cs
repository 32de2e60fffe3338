using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Infrastructure.Tests;

/// <summary>infra/ and azure.yaml have the azd template shape `azd up` relies on.</summary>
[Collection(CompiledInfrastructureCollection.Name)]
public sealed partial class AzdTemplateShapeTests(CompiledInfrastructure infra)
{
    [GeneratedRegex("^[A-Z][A-Z0-9_]*$")]
    private static partial Regex UpperSnake();

    [GeneratedRegex(@"\$(?:\{|env:)?(AZURE_[A-Z0-9_]+|SERVICE_[A-Z0-9_]+)")]
    private static partial Regex AzdVariable();

    [GeneratedRegex(@"\$(?:\{|env:)?(PIPELINE_[A-Z0-9_]+)")]
    private static partial Regex PipelineVariable();

    [Fact]
    public void Main_deploys_at_subscription_scope_with_upper_snake_outputs()
    {
        Assert.Contains("subscriptionDeploymentTemplate", infra.Main["$schema"]!.GetValue<string>(), StringComparison.Ordinal);
        var outputs = infra.Main["outputs"]!.AsObject().Select(o => o.Key).ToList();
        Assert.All(outputs, name => Assert.Matches(UpperSnake(), name));
        Assert.Contains("AZURE_LOCATION", outputs);
        Assert.Contains("AZURE_TENANT_ID", outputs);
        Assert.Contains("SERVICE_API_NAME", outputs);
    }

    [Fact]
    public void Resources_carry_the_azd_tags()
    {
        var group = CompiledInfrastructure.Resources(infra.Main).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Resources/resourceGroups");
        Assert.Equal("[variables('tags')]", group["tags"]!.GetValue<string>());
        Assert.Contains("azd-env-name", infra.Main["variables"]!["tags"]!.ToJsonString(), StringComparison.Ordinal);
        var apiTags = infra.Module("api")["properties"]!["parameters"]!["tags"]!["value"]!.GetValue<string>();
        Assert.Contains("'azd-service-name', 'api'", apiTags, StringComparison.Ordinal);
        Assert.Equal("[parameters('tags')]", infra.Single("api", "Microsoft.Web/sites")["tags"]!.GetValue<string>());
    }

    [Fact]
    public void Azure_yaml_deploys_the_functions_project_as_service_api()
    {
        var yaml = File.ReadAllText(BicepCli.InRepository("azure.yaml"));
        Assert.Matches(@"(?m)^  api:\s*\n    project: \./functions/Pipeline\.Functions\s*\n    language: dotnet\s*\n    host: function\s*$", yaml);
        Assert.True(File.Exists(BicepCli.InRepository("functions/Pipeline.Functions/Pipeline.Functions.csproj")));
    }

    [Fact]
    public void Hooks_use_only_variables_main_outputs()
    {
        var outputs = infra.Main["outputs"]!.AsObject().Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var used = Directory.GetFiles(BicepCli.InRepository("infra/hooks"))
            .SelectMany(f => AzdVariable().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).Distinct().ToList();
        Assert.NotEmpty(used);
        Assert.All(used, variable => Assert.Contains(variable, outputs));
    }

    /// <summary>A hook and the deployment must read a setting from the same azd variable (e.g. private networking).</summary>
    [Fact]
    public void Pipeline_variables_the_hooks_read_feed_the_parameters_file()
    {
        var parameters = File.ReadAllText(BicepCli.InRepository("infra/main.parameters.json"));
        var used = Directory.GetFiles(BicepCli.InRepository("infra/hooks"))
            .SelectMany(f => PipelineVariable().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).Distinct().ToList();
        Assert.Contains("PIPELINE_PRIVATE_NETWORKING", used);
        Assert.All(used, variable => Assert.Contains("${" + variable + "=", parameters, StringComparison.Ordinal));
    }

    [Fact]
    public void Azure_yaml_runs_both_hooks_on_both_shells()
    {
        var yaml = File.ReadAllText(BicepCli.InRepository("azure.yaml"));
        foreach (var hook in new[] { "preprovision", "postprovision" })
        {
            Assert.Contains($"run: ./infra/hooks/{hook}.sh", yaml, StringComparison.Ordinal);
            Assert.Contains($"run: ./infra/hooks/{hook}.ps1", yaml, StringComparison.Ordinal);
            Assert.True(File.Exists(BicepCli.InRepository($"infra/hooks/{hook}.sh")) && File.Exists(BicepCli.InRepository($"infra/hooks/{hook}.ps1")));
        }
    }

    [Fact]
    public void Parameters_file_names_real_parameters_and_every_required_one()
    {
        var declared = infra.Main["parameters"]!.AsObject();
        var given = JsonNode.Parse(File.ReadAllText(BicepCli.InRepository("infra/main.parameters.json")))!["parameters"]!.AsObject()
            .Select(p => p.Key).ToList();
        Assert.All(given, name => Assert.True(declared.ContainsKey(name), $"main.bicep has no parameter '{name}'."));
        var required = declared.Where(p => p.Value!["defaultValue"] is null && p.Value["nullable"] is null).Select(p => p.Key);
        Assert.All(required, name => Assert.Contains(name, given));
    }

    [Fact]
    public void Cosmos_defaults_to_autoscale()
    {
        // docs/OPERATIONS.md says why: predictable latency, 10,000 RU/s per partition for hot accounts, backups.
        Assert.Equal("autoscale", infra.Main["parameters"]!["cosmosCapacityMode"]!["defaultValue"]!.GetValue<string>());
    }
}
