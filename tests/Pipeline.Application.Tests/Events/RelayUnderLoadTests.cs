using Stopwatch = System.Diagnostics.Stopwatch;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Events;
using Pipeline.Application.Events.Publishing;
using Pipeline.Application.Payments;

namespace Pipeline.Application.Tests.Events;

/// <summary>
/// Review: a relay pass is meant to last about its linger (RelayPassDuration, 20 s: "well inside an activity's time
/// limit"), but the linger is only looked at when a page answers 304. While writes keep arriving faster than a page is
/// handed over, every read has something and the pass never returns: the activity runs into the Functions timeout.
/// </summary>
/// <summary>A relay pass ends on time even when the feed is never caught up (found in review: it ran until the activity was killed).</summary>
[Collection(CosmosCollection.Name)]
public sealed class RelayUnderLoadTests(CosmosFixture cosmos)
{
    [Fact]
    public async Task A_relay_pass_ends_near_its_linger_even_while_writes_keep_arriving()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var payments = database.GetContainer(PaymentStore.ContainerName);
        var relay = new EventRelay(database, new EventLog(database), [], new LocalEventLog(clock),
            [new OutboxSource(PaymentStore.ContainerName)], clock, NullLogger<EventRelay>.Instance);

        // Steady traffic: documents keep arriving in the payments container (resources or events, it makes no difference).
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var doc = JsonSerializer.SerializeToElement(new { id = $"doc-{w}-{n++}", merchantId = "mer_load" });
                await payments.CreateItemAsync(doc, new PartitionKey("mer_load"));
            }
        })).ToList();
        await Task.Delay(500);

        using var guard = new CancellationTokenSource();
        var linger = TimeSpan.FromSeconds(1);
        var watch = Stopwatch.StartNew();
        var pass = relay.RunPassAsync(PaymentStore.ContainerName, linger, guard.Token);
        var ended = await Task.WhenAny(pass, Task.Delay(TimeSpan.FromSeconds(15))) == pass;
        var elapsed = watch.Elapsed;

        await stop.CancelAsync();
        await Task.WhenAll(writers);
        await guard.CancelAsync();
        try
        {
            await pass;
        }
        catch (OperationCanceledException)
        {
        }

        Assert.True(ended, $"A pass with a linger of {linger} was still running after {elapsed} while writes kept arriving.");
    }
}
