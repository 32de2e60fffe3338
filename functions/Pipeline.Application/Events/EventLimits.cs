namespace Pipeline.Application.Events;

public static class EventLimits
{
    /// <summary>How long an event stays in its outbox: far longer than the dispatcher may lag (it alerts long before).</summary>
    public static readonly TimeSpan OutboxRetention = TimeSpan.FromDays(7);

    /// <summary>A query over a container that holds events reads only the resources with this condition.</summary>
    public const string NotAnEvent = "NOT IS_DEFINED(c.docType)";
}
