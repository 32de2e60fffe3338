using Microsoft.Extensions.Options;

namespace Pipeline.Local.Tests;

/// <summary>A missing or invalid setting stops start-up with a message that names it.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("too-short")]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-abc;SecretName=admin-key)")]
    public async Task An_unusable_admin_key_stops_the_host_naming_the_setting(string adminKey)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => LocalHost.StartAsync([], new Dictionary<string, string?>
        {
            ["Pipeline:Local:Url"] = "http://127.0.0.1:0",
            ["Pipeline:AdminKey"] = adminKey,
            ["Pipeline:Cosmos:Endpoint"] = "http://127.0.0.1:1/",
        }));

        Assert.Contains("AdminKey", failure.Message, StringComparison.Ordinal);
    }
}
