using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Application.Tests.Idempotency;

internal static class FakeClockExtensions
{
    /// <summary>
    /// Awaits <paramref name="task"/> while moving the fake clock on a second at a time, for code that waits on the
    /// clock's timers (a request watching a lease); bounded, so a task that never ends fails instead of hanging.
    /// </summary>
    public static async Task<T> WhileAdvancingAsync<T>(this FakeTimeProvider clock, Task<T> task)
    {
        for (var step = 0; step < 120 && !task.IsCompleted; step++)
        {
            await Task.WhenAny(task, Task.Delay(20));
            if (!task.IsCompleted)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        return await task.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
