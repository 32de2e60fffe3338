using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Infrastructure.Tests;

/// <summary>
/// No key, connection secret or SAS anywhere: local auth is off on every service that has it, Key Vault is in RBAC
/// mode with purge protection, and app settings are identity-based values or Key Vault references.
/// </summary>
[Collection(CompiledInfrastructureCollection.Name)]
public sealed partial class NoSecretsTests(CompiledInfrastructure infra)
{
    /// <summary>Template functions and value fragments that put a credential into a deployment.</summary>
    [GeneratedRegex(@"list[A-Za-z]*\(|AccountKey=|SharedAccessKey|SharedAccessSignature|primaryKey|secondaryKey|MasterKey|InstrumentationKey=|Password=|sig=", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialFragment();

    /// <summary>Setting names that would hold a credential if set to a literal.</summary>
    [GeneratedRegex(@"(ConnectionString|Key|Secret|Password|Sas|Token)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretLikeName();

    private const string KeyVaultReference = "@Microsoft.KeyVault(";

    [Fact]
    public void No_app_setting_value_carries_a_credential()
    {
        var offending = infra.AppSettings().Where(s => CredentialFragment().IsMatch(s.Value)).Select(s => s.Key).ToList();
        Assert.True(offending.Count == 0, $"app settings with a credential: {string.Join(", ", offending)}");
    }

    [Fact]
    public void Secret_like_settings_are_key_vault_references()
    {
        // The Application Insights connection string names an endpoint; with local auth off (checked below) its
        // instrumentation key is no credential: ingestion takes an Entra token.
        var offending = infra.AppSettings()
            .Where(s => s.Key != "APPLICATIONINSIGHTS_CONNECTION_STRING" && SecretLikeName().IsMatch(s.Key))
            .Where(s => !s.Value.Contains(KeyVaultReference, StringComparison.Ordinal))
            .Select(s => s.Key).ToList();
        Assert.True(offending.Count == 0, $"secret-like settings not from Key Vault: {string.Join(", ", offending)}");
        Assert.Contains(KeyVaultReference, infra.AppSettings()["Pipeline__AdminKey"], StringComparison.Ordinal);
        Assert.Contains(KeyVaultReference, infra.AppSettings()["Pipeline__Collection__BankSecret"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_template_lists_no_keys_anywhere() =>
        Assert.DoesNotMatch(CredentialFragment(), infra.Json);

    [Fact]
    public void The_credential_check_catches_a_listed_key() =>
        Assert.Matches(CredentialFragment(), "[format('DefaultEndpointsProtocol=https;AccountName={0};AccountKey={1}', parameters('name'), listKeys(resourceId('x'), '2024-01-01').keys[0].value)]");

    [Fact]
    public void Local_auth_is_off_on_storage_cosmos_service_bus_and_monitoring()
    {
        Assert.False(Property("storage", "Microsoft.Storage/storageAccounts", "allowSharedKeyAccess").GetValue<bool>());
        Assert.True(Property("cosmos", "Microsoft.DocumentDB/databaseAccounts", "disableLocalAuth").GetValue<bool>());
        Assert.True(Property("cosmos", "Microsoft.DocumentDB/databaseAccounts", "disableKeyBasedMetadataWriteAccess").GetValue<bool>());
        Assert.True(Property("serviceBus", "Microsoft.ServiceBus/namespaces", "disableLocalAuth").GetValue<bool>());
        Assert.True(Property("monitoring", "Microsoft.Insights/components", "DisableLocalAuth").GetValue<bool>());
        Assert.True(infra.Single("monitoring", "Microsoft.OperationalInsights/workspaces")["properties"]!["features"]!["disableLocalAuth"]!.GetValue<bool>());
    }

    [Fact]
    public void Key_vault_uses_rbac_with_purge_protection()
    {
        Assert.True(Property("keyVault", "Microsoft.KeyVault/vaults", "enableRbacAuthorization").GetValue<bool>());
        Assert.True(Property("keyVault", "Microsoft.KeyVault/vaults", "enablePurgeProtection").GetValue<bool>());
        Assert.True(Property("keyVault", "Microsoft.KeyVault/vaults", "enableSoftDelete").GetValue<bool>());
    }

    [Fact]
    public void Function_app_runs_as_the_user_assigned_identity_only()
    {
        var site = infra.Single("api", "Microsoft.Web/sites");
        Assert.Equal("UserAssigned", site["identity"]!["type"]!.GetValue<string>());
        var properties = site["properties"]!;
        Assert.True(properties["httpsOnly"]!.GetValue<bool>());
        Assert.NotNull(properties["keyVaultReferenceIdentity"]);
        var authentication = properties["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!;
        Assert.Equal("UserAssignedIdentity", authentication["type"]!.GetValue<string>());
    }

    [Fact]
    public void Basic_publishing_credentials_are_off_for_scm_and_ftp()
    {
        var policies = CompiledInfrastructure.Resources(infra.ModuleTemplate("api"))
            .Where(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites/basicPublishingCredentialsPolicies")
            .ToDictionary(r => r["name"]!.GetValue<string>().Split('\'')[^2], r => r["properties"]!["allow"]!.GetValue<bool>()); // "[format('{0}/{1}', parameters('name'), 'scm')]"
        Assert.Equal(new Dictionary<string, bool> { ["ftp"] = false, ["scm"] = false }, policies);
    }

    [Fact]
    public void Outputs_hold_no_secret()
    {
        var outputs = infra.Main["outputs"]!.AsObject();
        Assert.All(outputs, o => Assert.DoesNotContain("secure", o.Value!["type"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase));
    }

    private JsonNode Property(string module, string type, string name) =>
        infra.Single(module, type)["properties"]![name] ?? throw new InvalidOperationException($"{type} does not set {name}.");
}
