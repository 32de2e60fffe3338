using System.Diagnostics;

namespace Pipeline.Local.Emulators;

/// <summary>
/// The local Cosmos DB endpoint: <c>node emulators/cosmos/server.js</c> (our compatibility layer over
/// @vercel/cosmosdb-server) on a free loopback port, started for the local host and for the tests. Dispose stops it.
/// </summary>
public sealed class CosmosEmulatorProcess : IAsyncDisposable
{
    /// <summary>The well-known, public key of the Cosmos DB emulator; it guards nothing.</summary>
    public const string EmulatorKey =
        "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    private const string ReadyPrefix = "cosmos emulator listening on ";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process process;

    private CosmosEmulatorProcess(Process process) => this.process = process;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>
    /// Starts the emulator from the repository at <paramref name="repositoryRoot"/> (installing its npm packages
    /// first if needed) and waits until it listens.
    /// </summary>
    public static async Task<CosmosEmulatorProcess> StartAsync(string repositoryRoot, int port = 0)
    {
        await NodePackages.EnsureInstalledAsync(repositoryRoot);

        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = repositoryRoot,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(repositoryRoot, "emulators", "cosmos", "server.js"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--host", "127.0.0.1", "--exit-with-stdin" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var emulator = new CosmosEmulatorProcess(new Process { StartInfo = startInfo });
        emulator.Endpoint = await emulator.WaitUntilListeningAsync();
        return emulator;
    }

    /// <summary>Walks up from <paramref name="start"/> to the directory holding Pipeline.sln.</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pipeline.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No directory above {start} holds Pipeline.sln.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private async Task<Uri> WaitUntilListeningAsync()
    {
        Uri? endpoint = null;
        await EmulatorStartup.StartAsync(process, "The Cosmos emulator", StartTimeout, line =>
        {
            if (line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
            {
                endpoint = new Uri(line[ReadyPrefix.Length..].Trim());
            }

            return endpoint is not null;
        });
        return endpoint!;
    }
}
