using System.Diagnostics;
using Pipeline.Local.Emulators;

namespace Pipeline.Cosmos.EmulatorTests;

/// <summary>
/// The compatibility layer's own unit tests (batch codec, query engine, partition-key hashing) run with Node's
/// test runner; this runs them as part of the one test command, and fails with their output if any fails.
/// </summary>
public sealed class NodeUnitTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_compatibility_layer_unit_tests_pass()
    {
        var root = CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory);
        await NodePackages.EnsureInstalledAsync(root);
        var startInfo = new ProcessStartInfo("node") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        startInfo.ArgumentList.Add("--test");
        startInfo.ArgumentList.Add(Path.Combine("emulators", "cosmos", "test"));
        using var node = Process.Start(startInfo)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RunTimeout);
        await node.WaitForExitAsync(timeout.Token);

        Assert.True(node.ExitCode == 0, $"node --test failed ({node.ExitCode}):\n{await output}\n{await errors}");
        Assert.Matches(@"# pass [1-9]", await output);
    }
}
