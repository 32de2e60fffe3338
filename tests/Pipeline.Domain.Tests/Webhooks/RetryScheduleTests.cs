using Pipeline.Domain.Webhooks;

namespace Pipeline.Domain.Tests.Webhooks;

public sealed class RetryScheduleTests
{
    private const long Start = 1_700_000_000_000_000;
    private static readonly long Deadline = Start + (long)RetrySchedule.Window.TotalMicroseconds;

    /// <summary>Every attempt of a delivery whose receiver always fails, each made the moment it is due.</summary>
    private static List<long> Attempts(string deliveryId)
    {
        var attempts = new List<long> { Start };
        while (RetrySchedule.NextAttemptMicros(deliveryId, attempts.Count, Start, attempts[^1]) is { } next)
        {
            Assert.True(attempts.Count < 100, "The schedule does not end.");
            attempts.Add(next);
        }

        return attempts;
    }

    [Fact]
    public void Each_delay_is_half_to_all_of_the_doubled_delay_capped_at_six_hours()
    {
        var attempts = Attempts("evt_1/we_1");
        for (var n = 1; n < attempts.Count - 1; n++)
        {
            var full = Math.Min(RetrySchedule.FirstDelay.TotalMicroseconds * Math.Pow(2, n - 1), RetrySchedule.LongestDelay.TotalMicroseconds);
            var delay = attempts[n] - attempts[n - 1];
            Assert.InRange(delay, (long)(full / 2), (long)full);
        }
    }

    [Fact]
    public void A_receiver_that_never_answers_is_tried_for_three_days_and_last_at_their_end()
    {
        var attempts = Attempts("evt_2/we_1");

        Assert.Equal(Deadline, attempts[^1]);
        Assert.InRange(attempts.Count, 15, 30);
        Assert.True(attempts.Zip(attempts.Skip(1)).All(pair => pair.Second > pair.First), "Attempts are in order.");
        Assert.Null(RetrySchedule.NextAttemptMicros("evt_2/we_1", attempts.Count, Start, Deadline));
    }

    [Fact]
    public void The_schedule_is_the_same_in_every_process_and_differs_between_deliveries()
    {
        Assert.Equal(Attempts("evt_3/we_1"), Attempts("evt_3/we_1"));
        var firstDelays = Enumerable.Range(0, 50).Select(i => RetrySchedule.NextAttemptMicros($"evt_{i}/we_1", 1, Start, Start)).Distinct().Count();
        Assert.True(firstDelays > 45, $"{firstDelays} distinct first delays of 50 deliveries");
    }

    [Fact]
    public void An_attempt_that_fails_late_is_retried_no_later_than_the_end_of_the_window()
    {
        var almostOver = Deadline - 1_000_000;
        Assert.Equal(Deadline, RetrySchedule.NextAttemptMicros("evt_4/we_1", 12, Start, almostOver));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrySchedule.NextAttemptMicros("evt_4/we_1", 0, Start, Start));
    }
}
