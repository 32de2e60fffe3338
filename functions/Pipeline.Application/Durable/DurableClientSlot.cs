using Microsoft.DurableTask.Client;

namespace Pipeline.Application.Durable;

/// <summary>
/// The host's Durable client, for services that start or signal orchestrations from inside other work (the relay
/// waking webhook workers). The local host sets it when its engine starts; on Azure a client comes only as a function
/// binding, so the functions that have one hand it over before they run such work. Null until then: callers treat
/// that as "no signal sent" (workers wake on their own timers too).
/// </summary>
public sealed class DurableClientSlot
{
    public DurableTaskClient? Client { get; set; }
}
