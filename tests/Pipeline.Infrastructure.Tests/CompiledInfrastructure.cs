using System.Text.Json.Nodes;

namespace Pipeline.Infrastructure.Tests;

/// <summary>
/// infra/main.bicep compiled to ARM JSON once per test run (bicep build --stdout), with helpers to find modules,
/// resources and the Function App's settings in it. Tests read what Azure would receive, not the Bicep source.
/// </summary>
public sealed class CompiledInfrastructure
{
    public CompiledInfrastructure()
    {
        var (exitCode, output, diagnostics) = BicepCli.Run("build", "infra/main.bicep", "--stdout");
        BuildDiagnostics = diagnostics;
        Assert.True(exitCode == 0, $"bicep build infra/main.bicep failed:\n{diagnostics}");
        Json = output;
        Main = JsonNode.Parse(output)!.AsObject();
    }

    public string Json { get; }

    public string BuildDiagnostics { get; }

    public JsonObject Main { get; }

    /// <summary>The template of module <paramref name="symbolicName"/> (e.g. "cosmos" for `module cosmos ...`).</summary>
    public JsonObject ModuleTemplate(string symbolicName) => Module(symbolicName)["properties"]!["template"]!.AsObject();

    /// <summary>The deployment resource of a module: keyed by symbolic name, or named "symbol-unique".</summary>
    public JsonObject Module(string symbolicName)
    {
        if (Main["resources"] is JsonObject bySymbol && bySymbol[symbolicName] is JsonObject module)
        {
            return module;
        }

        return Resources(Main).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Resources/deployments"
            && r["name"]!.GetValue<string>().StartsWith($"[format('{symbolicName}-", StringComparison.Ordinal));
    }

    /// <summary>Resources of one template (an array, or an object keyed by symbolic name), existing ones left out.</summary>
    public static IEnumerable<JsonObject> Resources(JsonObject template) =>
        (template["resources"] switch
        {
            JsonArray array => array.Select(r => r!.AsObject()),
            JsonObject bySymbol => bySymbol.Select(p => p.Value!.AsObject()),
            _ => [],
        }).Where(r => r["existing"]?.GetValue<bool>() != true);

    /// <summary>Every resource of the template and of the modules nested in it, with the module that holds it.</summary>
    public IEnumerable<(string Module, JsonObject Resource)> AllResources() => AllResources("main", Main);

    private static IEnumerable<(string Module, JsonObject Resource)> AllResources(string module, JsonObject template)
    {
        foreach (var resource in Resources(template))
        {
            yield return (module, resource);
            if (resource["properties"]?["template"] is JsonObject nested)
            {
                var name = resource["name"]!.GetValue<string>();
                var symbol = name.StartsWith("[format('", StringComparison.Ordinal) ? name[9..name.IndexOf('-')] : name;
                foreach (var inner in AllResources(symbol, nested))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>The resources of a module's template of one type, each copy of a loop expanded and evaluated.</summary>
    public IReadOnlyList<JsonObject> Expanded(string module, string type)
    {
        var template = ModuleTemplate(module);
        var variables = template["variables"]?.AsObject() ?? [];
        var result = new List<JsonObject>();
        foreach (var resource in Resources(template).Where(r => r["type"]!.GetValue<string>() == type))
        {
            if (resource["copy"] is JsonObject copy)
            {
                var count = ArmExpression.Evaluate(copy["count"], variables)!.GetValue<int>();
                result.AddRange(Enumerable.Range(0, count).Select(i => Evaluated(resource, variables, i)));
            }
            else
            {
                result.Add(Evaluated(resource, variables, null));
            }
        }

        return result;
    }

    // Name and properties only: dependsOn and the like hold resource ids, known only at deployment.
    private static JsonObject Evaluated(JsonObject resource, JsonObject variables, int? copyIndex) => new()
    {
        ["type"] = resource["type"]!.DeepClone(),
        ["name"] = ArmExpression.Evaluate(resource["name"], variables, copyIndex),
        ["properties"] = ArmExpression.Evaluate(resource["properties"], variables, copyIndex),
    };

    /// <summary>The one resource of a type in a module, unevaluated (values may be deployment-time expressions).</summary>
    public JsonObject Single(string module, string type) =>
        Resources(ModuleTemplate(module)).Single(r => r["type"]!.GetValue<string>() == type);

    /// <summary>The Function App's app settings: name → the value as compiled (often an ARM expression).</summary>
    public IReadOnlyDictionary<string, string> AppSettings() =>
        Single("api", "Microsoft.Web/sites")["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["value"]!.GetValue<string>());

    /// <summary>The last segment of a resource name ("account/database/container" → "container").</summary>
    public static string LastNameSegment(JsonObject resource) => resource["name"]!.GetValue<string>().Split('/')[^1];
}

[CollectionDefinition(Name)]
public sealed class CompiledInfrastructureCollection : ICollectionFixture<CompiledInfrastructure>
{
    public const string Name = "compiled infra";
}
