using System.Collections.Concurrent;

namespace Pipeline.Application.Webhooks;

/// <summary>
/// The endpoints whose worker is in a delivery pass in this process, which polls for due deliveries until it ends: the
/// relay need not wake such a worker (a wake-up is an orchestration step, and one raised during a pass only makes the
/// worker start another at once). Sound because a pass leaves this set before its last look: a relay that saw the pass
/// here, after scheduling, is seen by that look. Another process's passes are not here, so a relay there wakes the
/// worker as always.
/// </summary>
public sealed class ActivePasses
{
    private readonly ConcurrentDictionary<string, int> passes = new(StringComparer.Ordinal);

    public bool IsActive(string endpointId) => passes.ContainsKey(endpointId);

    public void Enter(string endpointId) => passes.AddOrUpdate(endpointId, 1, (_, count) => count + 1);

    public void Leave(string endpointId)
    {
        while (passes.TryGetValue(endpointId, out var count))
        {
            if (count == 1 ? passes.TryRemove(new KeyValuePair<string, int>(endpointId, 1)) : passes.TryUpdate(endpointId, count - 1, count))
            {
                return;
            }
        }
    }
}
