using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Pipeline.Infrastructure.Tests;

/// <summary>
/// The azd hooks (infra/hooks/*.sh) run against a stand-in for the Azure CLI: a script named `az` first on PATH that
/// records every call and answers as Azure would in the scenario. No CI run can reach Azure; this proves what the
/// hooks ask of it, in which order, and what they refuse. (The PowerShell twins are not run: no pwsh here.)
/// </summary>
public sealed class HookTests : IDisposable
{
    private const string VaultId = "/subscriptions/s/resourceGroups/rg-ci/providers/Microsoft.KeyVault/vaults/kv-ci";
    private const string AppId = "/subscriptions/s/resourceGroups/rg-ci/providers/Microsoft.Web/sites/func-ci";

    // Answers by the call; the scenario comes from FAKE_* variables. A PUT's body file is copied for the test to read.
    private const string FakeAz = """
        #!/bin/sh
        echo "$*" >>"$FAKE_DIR/calls"
        case "$*" in
          "rest --method get --url "*"/secrets/"*)
            case "$FAKE_SECRET" in
              present) exit 0 ;;
              absent) echo 'ERROR: Not Found({"error":{"code":"SecretNotFound","message":"Secret admin-key not found"}})' >&2; exit 1 ;;
              *) echo 'ERROR: (AuthorizationFailed) The client does not have authorization' >&2; exit 1 ;;
            esac ;;
          "rest --method put --url "*)
            body=$(printf '%s\n' "$@" | sed -n 's/^@//p'); name=$(printf '%s' "$*" | sed -n 's|.*/secrets/\([^?]*\)?.*|\1|p')
            cp "$body" "$FAKE_DIR/put-$name.json"; ls -l "$body" | cut -c1-10 >"$FAKE_DIR/put-$name.mode"; exit 0 ;;
          "rest --method post --url "*"/config/configreferences/appsettings/refresh"*) exit 0 ;;
          "provider show --namespace Microsoft.App --query registrationState -o tsv") echo "$FAKE_APP_PROVIDER"; exit 0 ;;
          "provider register --namespace Microsoft.App --wait") exit 0 ;;
          "servicebus namespace show "*) echo "$FAKE_SERVICE_BUS_TIER"; exit 0 ;;
          "storage account show "*) echo "$FAKE_STORAGE_SKU"; exit 0 ;;
        esac
        echo "fake az: unexpected call: $*" >&2
        exit 2
        """;

    private readonly string directory = Directory.CreateTempSubdirectory("pipeline-hooks-").FullName;

    public HookTests()
    {
        var az = Path.Combine(directory, "az");
        File.WriteAllText(az, FakeAz.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Postprovision_creates_the_missing_admin_key_and_bank_secret_through_resource_manager_then_refreshes_the_apps_references()
    {
        var (exitCode, output) = Run("postprovision.sh", ("FAKE_SECRET", "absent"));

        Assert.True(exitCode == 0, output);
        var calls = Calls();
        Assert.Equal(5, calls.Count);
        Assert.StartsWith($"rest --method get --url {VaultId}/secrets/admin-key?api-version=", calls[0], StringComparison.Ordinal);
        Assert.StartsWith($"rest --method put --url {VaultId}/secrets/admin-key?api-version=", calls[1], StringComparison.Ordinal);
        Assert.StartsWith($"rest --method get --url {VaultId}/secrets/bank-webhook-secret?api-version=", calls[2], StringComparison.Ordinal);
        Assert.StartsWith($"rest --method put --url {VaultId}/secrets/bank-webhook-secret?api-version=", calls[3], StringComparison.Ordinal);
        Assert.StartsWith($"rest --method post --url {AppId}/config/configreferences/appsettings/refresh?api-version=", calls[4], StringComparison.Ordinal);

        // 32 random bytes as hex each, from a file only this user could read, never on a command line or in the output.
        var keys = new[] { "admin-key", "bank-webhook-secret" }.Select(name =>
        {
            var key = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, $"put-{name}.json")))!["properties"]!["value"]!.GetValue<string>();
            Assert.Matches("^[0-9a-f]{64}$", key);
            Assert.Equal("-rw-------", File.ReadAllText(Path.Combine(directory, $"put-{name}.mode")).Trim());
            Assert.DoesNotContain(key, string.Join('\n', calls), StringComparison.Ordinal);
            Assert.DoesNotContain(key, output, StringComparison.Ordinal);
            return key;
        }).ToList();
        Assert.NotEqual(keys[0], keys[1]);
    }

    /// <summary>The refresh runs again: a provision that died between creating the key and the refresh is repaired by the next.</summary>
    [Fact]
    public void Postprovision_leaves_existing_secrets_alone_and_still_refreshes_the_references()
    {
        var (exitCode, output) = Run("postprovision.sh", ("FAKE_SECRET", "present"));

        Assert.True(exitCode == 0, output);
        var calls = Calls();
        Assert.Equal(3, calls.Count);
        Assert.DoesNotContain(calls, call => call.StartsWith("rest --method put", StringComparison.Ordinal));
        Assert.StartsWith($"rest --method post --url {AppId}/config/configreferences/appsettings/refresh", calls[2], StringComparison.Ordinal);
        Assert.Contains("already exists", output, StringComparison.Ordinal);
    }

    /// <summary>An empty key would be stored and then never replaced (it "exists"): a failed openssl stops the hook first.</summary>
    [Fact]
    public void Postprovision_whose_random_source_fails_writes_nothing()
    {
        var openssl = Path.Combine(directory, "openssl");
        File.WriteAllText(openssl, "#!/bin/sh\nexit 1\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(openssl, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var (exitCode, _) = Run("postprovision.sh", ("FAKE_SECRET", "absent"));

        Assert.NotEqual(0, exitCode);
        Assert.Single(Calls());
    }

    /// <summary>Anything but "not found" (no access, throttling, an outage) must not be taken for a missing key: that would replace it.</summary>
    [Fact]
    public void Postprovision_that_cannot_tell_whether_the_key_exists_fails_and_writes_nothing()
    {
        var (exitCode, output) = Run("postprovision.sh", ("FAKE_SECRET", "forbidden"));

        Assert.NotEqual(0, exitCode);
        Assert.Single(Calls());
        Assert.Contains("nothing was changed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Preprovision_of_a_new_public_environment_asks_azure_nothing()
    {
        var (exitCode, output) = Run("preprovision.sh");

        Assert.True(exitCode == 0, output);
        Assert.Empty(Calls());
    }

    [Fact]
    public void Preprovision_of_an_unchanged_public_environment_passes()
    {
        var (exitCode, output) = Run(
            "preprovision.sh",
            ("FAKE_SERVICE_BUS_TIER", "Standard"),
            ("FAKE_STORAGE_SKU", "Standard_LRS"),
            ("AZURE_SERVICE_BUS_NAMESPACE", "sb-ci.servicebus.windows.net"),
            ("AZURE_STORAGE_ACCOUNT_NAME", "stci"),
            ("AZURE_RESOURCE_GROUP", "rg-ci"));

        Assert.True(exitCode == 0, output);
        Assert.Equal(2, Calls().Count);
    }

    [Fact]
    public void Preprovision_for_private_networking_registers_the_microsoft_app_provider_when_missing()
    {
        var (exitCode, output) = Run("preprovision.sh", ("PIPELINE_PRIVATE_NETWORKING", "true"), ("FAKE_APP_PROVIDER", "NotRegistered"));

        Assert.True(exitCode == 0, output);
        Assert.Equal(["provider show --namespace Microsoft.App --query registrationState -o tsv", "provider register --namespace Microsoft.App --wait"], Calls());
    }

    [Fact]
    public void Preprovision_refuses_to_switch_an_environment_with_service_bus_standard_to_private()
    {
        var (exitCode, output) = Run(
            "preprovision.sh",
            ("PIPELINE_PRIVATE_NETWORKING", "true"),
            ("FAKE_APP_PROVIDER", "Registered"),
            ("FAKE_SERVICE_BUS_TIER", "Standard"),
            ("AZURE_SERVICE_BUS_NAMESPACE", "sb-ci.servicebus.windows.net"),
            ("AZURE_RESOURCE_GROUP", "rg-ci"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("cannot change a namespace's tier in place", output, StringComparison.Ordinal);
        Assert.Equal("servicebus namespace show --resource-group rg-ci --name sb-ci --query sku.tier -o tsv", Calls()[^1]);
    }

    [Fact]
    public void Preprovision_refuses_to_turn_private_networking_off_for_an_environment_on_premium()
    {
        var (exitCode, output) = Run(
            "preprovision.sh",
            ("FAKE_SERVICE_BUS_TIER", "Premium"),
            ("AZURE_SERVICE_BUS_NAMESPACE", "sb-ci.servicebus.windows.net"),
            ("AZURE_RESOURCE_GROUP", "rg-ci"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("cannot be turned off here", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", "Standard_LRS", "zone redundancy needs ZRS")]
    [InlineData("false", "Standard_ZRS", "cannot be turned off for this environment")]
    public void Preprovision_refuses_a_storage_redundancy_change_a_deployment_cannot_make(string zoneRedundant, string sku, string reason)
    {
        var (exitCode, output) = Run(
            "preprovision.sh",
            ("PIPELINE_ZONE_REDUNDANT", zoneRedundant),
            ("FAKE_STORAGE_SKU", sku),
            ("AZURE_STORAGE_ACCOUNT_NAME", "stci"),
            ("AZURE_RESOURCE_GROUP", "rg-ci"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(reason, output, StringComparison.Ordinal);
        Assert.Equal("storage account show --resource-group rg-ci --name stci --query sku.name -o tsv", Assert.Single(Calls()));
    }

    [Fact]
    public void Preprovision_lets_an_environment_already_on_premium_stay_private()
    {
        var (exitCode, output) = Run(
            "preprovision.sh",
            ("PIPELINE_PRIVATE_NETWORKING", "true"),
            ("FAKE_APP_PROVIDER", "Registered"),
            ("FAKE_SERVICE_BUS_TIER", "Premium"),
            ("AZURE_SERVICE_BUS_NAMESPACE", "sb-ci.servicebus.windows.net"),
            ("AZURE_RESOURCE_GROUP", "rg-ci"));

        Assert.True(exitCode == 0, output);
        Assert.Equal(2, Calls().Count);
    }

    private List<string> Calls()
    {
        var path = Path.Combine(directory, "calls");
        return File.Exists(path) ? [.. File.ReadAllLines(path)] : [];
    }

    private (int ExitCode, string Output) Run(string hook, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("sh")
        {
            ArgumentList = { BicepCli.InRepository($"infra/hooks/{hook}") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = BicepCli.RepositoryRoot,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AZURE_", StringComparison.Ordinal) || k.StartsWith("PIPELINE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["PATH"] = $"{directory}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["FAKE_DIR"] = directory;
        start.Environment["AZURE_KEY_VAULT_ID"] = VaultId;
        start.Environment["AZURE_FUNCTION_APP_ID"] = AppId;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), $"{hook} did not finish.");
        return (process.ExitCode, output.Result + errors.Result);
    }
}
