using System.Diagnostics;
using System.Text;

namespace Pipeline.Local.Emulators;

/// <summary>Starting an emulator's process (Azurite, the Cosmos emulator) and waiting until it says it is ready.</summary>
internal static class EmulatorStartup
{
    /// <summary>
    /// Starts <paramref name="process"/>; <paramref name="ready"/> reads each line of its standard output until it returns
    /// true. Everything the process printed goes into the error when it exits first or takes longer than <paramref name="timeout"/>.
    /// </summary>
    public static async Task StartAsync(Process process, string name, TimeSpan timeout, Func<string, bool> ready)
    {
        var output = new StringBuilder();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string Output()
        {
            lock (output)
            {
                return output.ToString();
            }
        }

        void Record(string? line, bool standardOutput)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
                if (standardOutput && !started.Task.IsCompleted && ready(line))
                {
                    started.TrySetResult();
                }
            }
        }

        process.EnableRaisingEvents = true;
        process.OutputDataReceived += (_, line) => Record(line.Data, standardOutput: true);
        process.ErrorDataReceived += (_, line) => Record(line.Data, standardOutput: false);
        process.Exited += (_, _) => started.TrySetException(new InvalidOperationException($"{name} exited before it was ready:{Environment.NewLine}{Output()}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(timeout);
        await using var registration = deadline.Token.Register(() => started.TrySetException(new TimeoutException(
            $"{name} did not report ready within {timeout.TotalSeconds} s:{Environment.NewLine}{Output()}")));
        await started.Task;
    }
}
