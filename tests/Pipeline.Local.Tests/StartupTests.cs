using System.Diagnostics;
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

    [Theory]
    [InlineData("too-short")]
    [InlineData("")]
    public async Task The_local_host_refuses_a_short_or_empty_admin_key_with_one_line_naming_the_setting(string adminKey)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Pipeline.Local.dll"));
        start.Environment["Pipeline__AdminKey"] = adminKey;
        start.Environment["Pipeline__Cosmos__Endpoint"] = "http://127.0.0.1:1/";
        start.Environment["Pipeline__Local__Url"] = "http://127.0.0.1:0";
        using var host = Process.Start(start)!;
        var output = host.StandardOutput.ReadToEndAsync();
        var error = host.StandardError.ReadToEndAsync();

        // Only a guard against a host that does not stop at all (it must stop before any I/O, in about a second).
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await host.WaitForExitAsync(deadline.Token);
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }
        }

        var lines = (await output + await error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEqual(0, host.ExitCode);
        var line = Assert.Single(lines);
        Assert.Contains("Pipeline__AdminKey", line, StringComparison.Ordinal);
    }
}
