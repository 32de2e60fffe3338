using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Pipeline.Local.Tests;

/// <summary>Settlement runs as an operator starts them: POST /settlements/runs for today (UTC), then GET until completed.</summary>
internal static class SettlementRunner
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    /// <summary>Runs settlement for today, for <paramref name="merchantIds"/> (every merchant when null); returns the completed run.</summary>
    public static async Task<JsonElement> RunAsync(LocalHostFixture fixture, IReadOnlyList<string>? merchantIds = null) =>
        await CompletedAsync(fixture, await StartAsync(fixture, merchantIds));

    /// <summary>Starts a run for today; returns its id.</summary>
    public static async Task<string> StartAsync(LocalHostFixture fixture, IReadOnlyList<string>? merchantIds = null)
    {
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var start = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Post, "api/v1/settlements/runs", fixture.AdminKey, new { date = today, merchantIds }));
        return (await PaymentClient.ExpectAsync(start, HttpStatusCode.Accepted)).GetProperty("id").GetString()!;
    }

    /// <summary>The run once completed (without a failed merchant).</summary>
    public static async Task<JsonElement> CompletedAsync(LocalHostFixture fixture, string id)
    {
        var deadline = DateTimeOffset.UtcNow + Within;
        while (true)
        {
            using var read = await fixture.Http.SendAsync(fixture.Request(HttpMethod.Get, $"api/v1/settlements/runs/{id}", fixture.AdminKey));
            var run = await PaymentClient.ExpectAsync(read, HttpStatusCode.OK);
            if (run.GetProperty("status").GetString() == "completed")
            {
                Assert.Equal(0, run.GetProperty("totals").GetProperty("failed").GetInt32());
                return run;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"Settlement run {id} did not complete within {Within}.");
            await Task.Delay(100);
        }
    }
}
