using System.Diagnostics;
using System.Reflection;

namespace Pipeline.Infrastructure.Tests;

/// <summary>
/// Runs the Bicep CLI restored from NuGet (Azure.Bicep.CommandLine.linux-x64, tools/bicep). Its path and the
/// repository root are baked into this assembly at build time (see the .csproj), so the tests need no PATH setup.
/// </summary>
public static class BicepCli
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    public static string Path { get; } = Metadata("BicepCli");

    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string InRepository(string relativePath) => System.IO.Path.Combine(RepositoryRoot, relativePath);

    /// <summary>Runs bicep with the arguments; returns its exit code, standard output and standard error.</summary>
    public static (int ExitCode, string Output, string Diagnostics) Run(params string[] arguments)
    {
        Assert.True(File.Exists(Path), $"The Bicep CLI is not at '{Path}'; restore the test project.");
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var diagnostics = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(RunTimeout), $"bicep {string.Join(' ', arguments)} did not finish in {RunTimeout}.");
        return (process.ExitCode, output.Result, diagnostics.Result);
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");
}
