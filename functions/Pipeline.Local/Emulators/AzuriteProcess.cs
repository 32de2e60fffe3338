using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Pipeline.Local.Emulators;

/// <summary>
/// Azurite (npm azurite): Azure Storage on loopback, for the Durable Task hub. Its data lives in a folder, so
/// orchestrations in flight survive a restart of the host. Dispose stops it.
/// </summary>
public sealed partial class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account and key, public and guarding nothing.</summary>
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process process;

    private AzuriteProcess(Process process) => this.process = process;

    public string ConnectionString { get; private set; } = "";

    /// <summary>
    /// Starts Azurite with its data in <paramref name="dataFolder"/> and waits until all three services listen. Each
    /// service binds port 0 and Azurite reports the port the OS gave it: a port chosen here and passed on could be
    /// taken by another process in between (a test run starts several emulators and servers at once).
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync(string repositoryRoot, string dataFolder)
    {
        await NodePackages.EnsureInstalledAsync(repositoryRoot);
        Directory.CreateDirectory(dataFolder);
        var startInfo = new ProcessStartInfo("node") { WorkingDirectory = repositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            Path.Combine(repositoryRoot, "node_modules", "azurite", "dist", "src", "azurite.js"), "--silent", "--skipApiVersionCheck", "--loose",
            "--location", dataFolder, "--blobHost", "127.0.0.1", "--blobPort", "0",
            "--queueHost", "127.0.0.1", "--queuePort", "0", "--tableHost", "127.0.0.1", "--tablePort", "0",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var azurite = new AzuriteProcess(new Process { StartInfo = startInfo });
        try
        {
            await azurite.WaitUntilListeningAsync();
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        return azurite;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started: nothing to stop.
        }

        process.Dispose();
    }

    private async Task WaitUntilListeningAsync()
    {
        var ports = new Dictionary<string, int>();
        await EmulatorStartup.StartAsync(process, "Azurite", StartTimeout, line =>
        {
            if (ListeningLine().Match(line) is { Success: true } listening)
            {
                ports[listening.Groups["service"].Value] = int.Parse(listening.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }

            return ports.Count == 3;
        });
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};"
            + $"BlobEndpoint=http://127.0.0.1:{ports["Blob"]}/{Account};QueueEndpoint=http://127.0.0.1:{ports["Queue"]}/{Account};"
            + $"TableEndpoint=http://127.0.0.1:{ports["Table"]}/{Account};";
    }

    /// <summary>What Azurite prints once a service is bound, e.g. "Azurite Queue service is successfully listening at http://127.0.0.1:42611".</summary>
    [GeneratedRegex(@"^Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
