using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Webhooks;

namespace Pipeline.Application.Tests.Webhooks;

/// <summary>The relay asks for a wake-up per page; the throttle sends one per interval and owes, never drops, the rest.</summary>
public sealed class WakeThrottleTests
{
    [Fact]
    public void The_first_wake_up_goes_now_and_one_asked_for_within_the_interval_is_owed_until_it_is_up()
    {
        var clock = new FakeTimeProvider();
        var throttle = new WakeThrottle(clock);

        Assert.Equal(TimeSpan.Zero, throttle.Ask("we_a"));
        clock.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(WebhookLimits.WakeUpInterval - TimeSpan.FromMilliseconds(300), throttle.Ask("we_a"));
        // Pages relayed while one is owed: that one covers them (it is sent after their deliveries were scheduled).
        Assert.Null(throttle.Ask("we_a"));
        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Null(throttle.Ask("we_a"));

        // Another endpoint is not held back by this one.
        Assert.Equal(TimeSpan.Zero, throttle.Ask("we_b"));

        // The owed one is sent: what is asked for next waits a whole interval from then.
        clock.Advance(TimeSpan.FromMilliseconds(200));
        throttle.Sending("we_a");
        Assert.Equal(WebhookLimits.WakeUpInterval, throttle.Ask("we_a"));
    }

    [Fact]
    public void After_a_quiet_interval_a_wake_up_goes_at_once()
    {
        var clock = new FakeTimeProvider();
        var throttle = new WakeThrottle(clock);
        Assert.Equal(TimeSpan.Zero, throttle.Ask("we_a"));
        clock.Advance(WebhookLimits.WakeUpInterval);
        Assert.Equal(TimeSpan.Zero, throttle.Ask("we_a"));
    }
}
