using System.Diagnostics;

namespace Pipeline.Local.Emulators;

/// <summary>
/// Installs the emulators' npm packages (<c>npm ci</c>, from the committed lock file) the first time they are
/// needed, so a fresh clone runs with no setup step. Several test processes may start at once, so the install
/// runs under an exclusive file lock and is skipped by whoever finds it done.
/// </summary>
public static class NodePackages
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    public static async Task EnsureInstalledAsync(string repositoryRoot)
    {
        var marker = Path.Combine(repositoryRoot, "node_modules", "@vercel", "cosmosdb-server", "package.json");
        if (File.Exists(marker))
        {
            return;
        }

        await using var installLock = await AcquireLockAsync(Path.Combine(repositoryRoot, ".npm-install.lock"));
        if (File.Exists(marker))
        {
            return;
        }

        var startInfo = new ProcessStartInfo("npm") { WorkingDirectory = repositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var npm = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start npm; install Node.js 20 or later.");
        var output = npm.StandardOutput.ReadToEndAsync();
        var errors = npm.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(InstallTimeout);
        await npm.WaitForExitAsync(timeout.Token);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"`npm ci` failed in {repositoryRoot} ({npm.ExitCode}):\n{await output}\n{await errors}");
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(250);
            }
        }
    }
}
