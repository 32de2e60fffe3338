namespace Pipeline.Application.Events;

public static class EventLimits
{
    /// <summary>How long an event stays in its outbox: far longer than the dispatcher may lag (it alerts long before).</summary>
    public static readonly TimeSpan OutboxRetention = TimeSpan.FromDays(7);

    /// <summary>Times the Service Bus SDK tries one send again itself (exponential back-off) before it reports a failure.</summary>
    public const int PublishSdkRetriesMax = 3;

    /// <summary>
    /// Times the publisher sends a batch again after the SDK gave up on it with a transient failure (a throttled or
    /// briefly unreachable namespace), before the relay is told and runs the whole page again later.
    /// </summary>
    public const int PublishBatchRetriesMax = 2;

    /// <summary>The wait before the publisher's first retry of a batch; the second waits twice as long.</summary>
    public static readonly TimeSpan PublishBatchRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>A query over a container that holds events reads only the resources with this condition.</summary>
    public const string NotAnEvent = "NOT IS_DEFINED(c.docType)";
}
