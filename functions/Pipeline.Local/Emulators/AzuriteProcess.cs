using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.Local.Emulators;

/// <summary>
/// Azurite (npm azurite): Azure Storage on loopback, for the Durable Task hub. Its data lives in a folder, so
/// orchestrations in flight survive a restart of the host. Dispose stops it.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account and key, public and guarding nothing.</summary>
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process process;

    private AzuriteProcess(Process process, int blob, int queue, int table)
    {
        this.process = process;
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};"
            + $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};QueueEndpoint=http://127.0.0.1:{queue}/{Account};TableEndpoint=http://127.0.0.1:{table}/{Account};";
    }

    public string ConnectionString { get; }

    /// <summary>Starts Azurite with its data in <paramref name="dataFolder"/> and waits until all three services answer.</summary>
    public static async Task<AzuriteProcess> StartAsync(string repositoryRoot, string dataFolder)
    {
        await NodePackages.EnsureInstalledAsync(repositoryRoot);
        Directory.CreateDirectory(dataFolder);
        int[] ports = [Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort()];
        var startInfo = new ProcessStartInfo("node") { WorkingDirectory = repositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            Path.Combine(repositoryRoot, "node_modules", "azurite", "dist", "src", "azurite.js"), "--silent", "--skipApiVersionCheck", "--loose",
            "--location", dataFolder, "--blobHost", "127.0.0.1", "--blobPort", $"{ports[0]}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{ports[1]}", "--tableHost", "127.0.0.1", "--tablePort", $"{ports[2]}",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start Azurite.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new AzuriteProcess(process, ports[0], ports[1], ports[2]);
        var deadline = DateTimeOffset.UtcNow + StartTimeout;
        while (!await AllListeningAsync(ports))
        {
            if (process.HasExited || DateTimeOffset.UtcNow > deadline)
            {
                await azurite.DisposeAsync();
                throw new InvalidOperationException($"Azurite did not start on ports {string.Join(", ", ports)} within {StartTimeout.TotalSeconds} s.");
            }

            await Task.Delay(100);
        }

        return azurite;
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

    private static async Task<bool> AllListeningAsync(int[] ports)
    {
        foreach (var port in ports)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
            }
            catch (SocketException)
            {
                return false;
            }
        }

        return true;
    }
}
