using System.Text.Json.Nodes;

namespace Pipeline.Infrastructure.Tests;

/// <summary>Every role assignment lives in infra/app/rbac.bicep and grants the roles the code needs.</summary>
[Collection(CompiledInfrastructureCollection.Name)]
public sealed class RbacTests(CompiledInfrastructure infra)
{
    private static readonly string[] RoleAssignmentTypes =
    [
        "Microsoft.Authorization/roleAssignments",
        "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments",
    ];

    /// <summary>Built-in roles of the app identity, by the resource type they are granted on.</summary>
    public static readonly Dictionary<string, string[]> AppRoles = new()
    {
        ["Microsoft.Storage/storageAccounts"] =
        [
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner: host locks, deployment package
            "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor: Durable task hub queues
            "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor: Durable task hub tables
        ],
        ["Microsoft.ServiceBus/namespaces"] = ["69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"], // Azure Service Bus Data Sender
        ["Microsoft.KeyVault/vaults"] = ["b86a8fe4-44ce-4948-aee5-eccb2c155cd7"], // Key Vault Secrets Officer
        ["Microsoft.Insights/components"] = ["3913510d-42f4-4e42-8a64-420c390055eb"], // Monitoring Metrics Publisher
    };

    private const string CosmosBuiltInDataContributor = "00000000-0000-0000-0000-000000000002";

    /// <summary>Cosmos DB answers 412 to a role assignment created while another holds the account's lock: they go one at a time.</summary>
    [Fact]
    public void Cosmos_role_assignments_are_created_one_at_a_time()
    {
        var loop = infra.AllResources().Single(r => r.Resource["type"]!.GetValue<string>() == "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments").Resource["copy"];
        Assert.Equal(("serial", 1), (loop?["mode"]?.GetValue<string>(), loop?["batchSize"]?.GetValue<int>()));
    }

    [Fact]
    public void Role_assignments_are_only_in_rbac_bicep()
    {
        var elsewhere = infra.AllResources()
            .Where(r => RoleAssignmentTypes.Contains(r.Resource["type"]!.GetValue<string>()) && r.Module != "rbac")
            .Select(r => r.Module).ToList();
        Assert.True(elsewhere.Count == 0, $"role assignments outside rbac.bicep, in: {string.Join(", ", elsewhere)}");
        Assert.Contains(infra.AllResources(), r => r.Module == "rbac");
    }

    [Fact]
    public void Each_resource_type_gets_the_app_roles_and_nothing_is_granted_elsewhere()
    {
        var template = infra.ModuleTemplate("rbac");
        var scopes = CompiledInfrastructure.Resources(template)
            .Where(r => r["type"]!.GetValue<string>() == "Microsoft.Authorization/roleAssignments")
            .Select(r => r["scope"]!.GetValue<string>()).ToList();
        Assert.All(AppRoles.Keys, type => Assert.Contains(scopes, s => s.Contains($"resourceId('{type}'", StringComparison.Ordinal)));
        Assert.Equal(AppRoles.Count, scopes.Count);

        var roles = template["variables"]!["roles"]!.AsObject().Select(r => r.Value!.GetValue<string>()).ToList();
        Assert.All(AppRoles.Values.SelectMany(r => r), role => Assert.Contains(role, roles));
    }

    [Fact]
    public void Cosmos_data_access_is_the_built_in_data_contributor()
    {
        var template = infra.ModuleTemplate("rbac");
        var assignment = CompiledInfrastructure.Resources(template)
            .Single(r => r["type"]!.GetValue<string>() == RoleAssignmentTypes[1]);
        Assert.Equal(CosmosBuiltInDataContributor, template["variables"]!["cosmosDataContributor"]!.GetValue<string>());
        Assert.Contains("cosmosDataContributor", assignment["properties"]!["roleDefinitionId"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>
    /// With principalId empty, or deployerDataAccess off (production), only the app identity holds a data role: the
    /// hooks work through Resource Manager and need none.
    /// </summary>
    [Fact]
    public void The_deploying_user_mirror_is_optional_and_production_turns_it_off()
    {
        var variables = infra.ModuleTemplate("rbac")["variables"]!;
        Assert.Equal(
            "[if(or(not(parameters('deployerDataAccess')), empty(parameters('userPrincipalId'))), createArray(), createArray(createObject('id', parameters('userPrincipalId'), 'type', parameters('userPrincipalType'))))]",
            variables["user"]!.GetValue<string>());
        Assert.Equal("[concat(createArray(variables('app')), variables('user'))]", variables["principals"]!.GetValue<string>());
        Assert.Equal(JsonValue.Create("")!.ToJsonString(), infra.Main["parameters"]!["principalId"]!["defaultValue"]!.ToJsonString());
        Assert.Equal("[parameters('deployerDataAccess')]", infra.Module("rbac")["properties"]!["parameters"]!["deployerDataAccess"]!["value"]!.GetValue<string>());
        Assert.Contains("PIPELINE_DEPLOYER_DATA_ACCESS", File.ReadAllText(BicepCli.InRepository("infra/main.parameters.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Cosmos_data_access_is_scoped_to_the_database()
    {
        var assignment = CompiledInfrastructure.Resources(infra.ModuleTemplate("rbac")).Single(r => r["type"]!.GetValue<string>() == RoleAssignmentTypes[1]);
        Assert.Equal(
            "[format('{0}/dbs/{1}', resourceId('Microsoft.DocumentDB/databaseAccounts', parameters('cosmosAccountName')), parameters('cosmosDatabaseName'))]",
            assignment["properties"]!["scope"]!.GetValue<string>());
    }
}
