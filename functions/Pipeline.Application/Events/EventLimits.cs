namespace Pipeline.Application.Events;

public static class EventLimits
{
    /// <summary>How long an event stays in its outbox: far longer than the dispatcher may lag (it alerts long before).</summary>
    public static readonly TimeSpan OutboxRetention = TimeSpan.FromDays(7);

    /// <summary>How long an event can be read through GET /events (and redelivered) after it was relayed.</summary>
    public static readonly TimeSpan LogRetention = TimeSpan.FromDays(30);

    /// <summary>Times the Service Bus SDK tries one send again itself (exponential back-off) before it reports a failure.</summary>
    public const int PublishSdkRetriesMax = 3;

    /// <summary>
    /// Times the publisher sends a batch again after the SDK gave up on it with a transient failure (a throttled or
    /// briefly unreachable namespace), before the relay is told and runs the whole page again later.
    /// </summary>
    public const int PublishBatchRetriesMax = 2;

    /// <summary>How long the SDK waits for one try of a send.</summary>
    public static readonly TimeSpan PublishTryTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the publisher's first retry of a batch; the second waits twice as long.</summary>
    public static readonly TimeSpan PublishBatchRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>A query over a container that holds events reads only the resources with this condition.</summary>
    public const string NotAnEvent = "NOT IS_DEFINED(c.docType)";

    public const int PageSizeDefault = 25;
    public const int PageSizeMax = 100;

    /// <summary>Documents per change-feed page the relay reads.</summary>
    public const int RelayPageSize = 500;

    /// <summary>Pages a relay hands on to its sinks and publisher at once (the event log takes them one after the other, in order).</summary>
    public const int RelayPagesHandedOnMax = 4;

    /// <summary>How often a caught-up relay looks at its feed again: about the most an event waits to be relayed.</summary>
    public static readonly TimeSpan RelayPollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long one relay activity runs (polling) before its orchestration starts the next: well inside an activity's
    /// time limit, and short of the local engine's 20 s message visibility (a 20 s pass lost the race with its message's
    /// renewal under load — PopReceiptMismatch — and ran again 20 s later).
    /// </summary>
    public static readonly TimeSpan RelayPassDuration = TimeSpan.FromSeconds(8);

    /// <summary>Events per append batch: a transactional batch holds at most 100 operations, one of them the head.</summary>
    public const int AppendBatchMax = 99;
}
