using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Pipeline.Application.Durable;

/// <summary>
/// Starts an eternal orchestration of which one instance must run (ledger maintenance, each event relay) unless it is
/// alive. Every instance of the Functions app calls this from its timer, and every local host at start-up, so starts
/// race. On Azure the Durable extension refuses a start whose instance is not in a terminal state (host.json pins
/// "overridableExistingInstanceStates": "NonRunningStates", its default) and the client raises
/// <see cref="OrchestrationAlreadyExistsException"/>, which makes a lost race a no-op instead of a restart of the
/// winner. The start also names the alive statuses as dedupe statuses, for backends that honour them.
/// </summary>
public static class SingletonOrchestration
{
    /// <summary>
    /// The statuses in which the one instance is alive. A start in any of them would terminate and restart it;
    /// ContinuedAsNew is the moment between two generations of the eternal loop, so it is alive too.
    /// </summary>
    public static readonly IReadOnlyList<OrchestrationRuntimeStatus> Alive =
    [
        OrchestrationRuntimeStatus.Running,
        OrchestrationRuntimeStatus.Pending,
        OrchestrationRuntimeStatus.Suspended,
#pragma warning disable CS0618 // obsolete in the SDK, still reported by the Azure Storage backend between generations
        OrchestrationRuntimeStatus.ContinuedAsNew,
#pragma warning restore CS0618
    ];

    /// <returns>True when this call started it; false when it was alive or another caller started it first.</returns>
    public static async Task<bool> EnsureRunningAsync(
        DurableTaskClient client, string orchestratorName, string instanceId, object input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var existing = await client.GetInstanceAsync(instanceId, cancellationToken);
        if (existing is not null && Alive.Contains(existing.RuntimeStatus))
        {
            return false;
        }

        try
        {
            // The read above saves a call in the common case; the refusal is what makes the race safe.
            var options = new StartOrchestrationOptions(instanceId).WithDedupeStatuses([.. Alive]);
            await client.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, options, cancellationToken);
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return false;
        }
    }
}
