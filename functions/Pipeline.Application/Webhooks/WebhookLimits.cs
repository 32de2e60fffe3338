namespace Pipeline.Application.Webhooks;

public static class WebhookLimits
{
    /// <summary>Endpoints per merchant (Stripe allows 16 too): each is a worker and a fan-out of every event.</summary>
    public const int EndpointsPerMerchantMax = 16;

    public const int UrlLengthMax = 2048;
    public const int EventTypesMax = 64;
    public const int DescriptionLengthMax = 200;

    /// <summary>Random bytes of a signing secret ("whsec_" and 64 hex digits).</summary>
    public const int SecretBytes = 32;

    public const string SecretPrefix = "whsec_";

    /// <summary>How long the previous secret keeps signing after a rotation, unless the rotation says otherwise.</summary>
    public static readonly TimeSpan SecretOverlapDefault = TimeSpan.FromHours(24);

    public static readonly TimeSpan SecretOverlapMax = TimeSpan.FromDays(7);

    /// <summary>A delivery attempt's whole time: connect, send, response headers.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Deliveries one endpoint has in flight at once: a slow receiver holds only its own.</summary>
    public const int EndpointConcurrency = 4;

    /// <summary>Bytes of a receiver's answer kept with the attempt (for the merchant to see why it failed).</summary>
    public const int ResponseExcerptBytes = 512;

    /// <summary>Attempts kept on a delivery (the last ones); a schedule makes at most about 30.</summary>
    public const int AttemptsKeptMax = 40;

    /// <summary>How long an endpoint may fail every delivery before it is disabled (with its event).</summary>
    public static readonly TimeSpan DisableAfterFailing = TimeSpan.FromDays(3);

    /// <summary>How long a finished delivery stays visible in GET …/deliveries.</summary>
    public static readonly TimeSpan DeliveryRetention = TimeSpan.FromDays(30);

    /// <summary>
    /// How long the relay waits for a page's inline sends to one endpoint (<see cref="InlineDelivery"/>): a receiver that
    /// answers at once is done within it; what is not is left to the endpoint's worker.
    /// </summary>
    public static readonly TimeSpan InlineBudget = TimeSpan.FromSeconds(3);

    /// <summary>An inline answer slower than this marks its endpoint slow, as one not there by the budget's end does.</summary>
    public static readonly TimeSpan InlineSlowAnswer = TimeSpan.FromSeconds(1);

    /// <summary>How long an endpoint that was slow on a page (<see cref="InlineBudget"/>, <see cref="InlineSlowAnswer"/>) goes through its worker only.</summary>
    public static readonly TimeSpan InlineSlowPause = TimeSpan.FromMinutes(1);

    /// <summary>How long one delivery activity works an endpoint's due deliveries before its orchestration looks again.</summary>
    public static readonly TimeSpan DeliveryPassDuration = TimeSpan.FromSeconds(8);

    /// <summary>How often a delivery pass looks for new due deliveries while it has none (its query is cheap: indexed).</summary>
    public static readonly TimeSpan DeliveryPollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a pass goes on looking with nothing due before it ends: under steady traffic a pass runs its whole
    /// <see cref="DeliveryPassDuration"/> and the relay need not wake its worker (<see cref="ActivePasses"/>).
    /// </summary>
    public static readonly TimeSpan DeliveryPassLinger = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The least time between two wake-ups of an endpoint's worker from one process (<see cref="WakeThrottle"/>): under
    /// load the relay asks for one per page; a worker woken meanwhile finds everything scheduled up to its pass anyway.
    /// </summary>
    public static readonly TimeSpan WakeUpInterval = TimeSpan.FromSeconds(1);

    /// <summary>The longest an endpoint's worker sleeps with nothing due (a lost wake-up costs at most this).</summary>
    public static readonly TimeSpan IdleWakeUp = TimeSpan.FromMinutes(5);

    public const int PageSizeDefault = 25;
    public const int PageSizeMax = 100;
}
