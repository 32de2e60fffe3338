using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Events;
using Pipeline.Application.Webhooks;

namespace Pipeline.Application.Tests.Webhooks;

/// <summary>A round's attempts are recorded as patches in one batch: the stored deliveries must be exactly what a whole replace would have written.</summary>
[Collection(CosmosCollection.Name)]
public sealed class DeliveryRecordTests(CosmosFixture cosmos)
{
    private const string Merchant = "mer_records";
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Patched_records_store_what_the_attempts_made_of_each_delivery_and_keep_the_last_attempts_only()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var deliveries = new DeliveryStore(database, clock);
        var endpointId = "we_" + new string('r', 24);
        var ids = Enumerable.Range(1, 3).Select(i => EventIds.Of($"/v1/payments/pay_{i}", 1, 1)).ToList();
        await deliveries.ScheduleAllAsync(endpointId, [.. ids.Select(id => deliveries.New(Merchant, endpointId, id, "payment.succeeded", $"{{\"id\":\"{id}\"}}"))], default);

        // Up to the number of attempts kept, and one more: failures, each due again on its schedule.
        for (var round = 0; round <= WebhookLimits.AttemptsKeptMax; round++)
        {
            var pending = await deliveries.NextPendingAsync(endpointId, default);
            Assert.Equal(3, pending.Count);
            var recorded = await deliveries.RecordAllAsync(endpointId, [.. pending.Select(d => (d, Result(false, round)))], default);
            Assert.All(recorded, r => Assert.Equal(DeliveryState.Pending, r!.State));
            await AssertStoredAsync(database, endpointId, recorded);
            clock.Advance(TimeSpan.FromHours(1));
        }

        // One succeeds, one fails, and the third changed meanwhile (a redelivery): the batch is refused whole and each is recorded alone.
        var last = await deliveries.NextPendingAsync(endpointId, default);
        Assert.True(await deliveries.RedeliverAsync(Merchant, endpointId, last[2].Id, "payment.succeeded", last[2].BodyToSend, default));
        var outcomes = await deliveries.RecordAllAsync(endpointId, [(last[0], Result(true, 99)), (last[1], Result(false, 99)), (last[2], Result(true, 99))], default);
        Assert.Equal(DeliveryState.Succeeded, outcomes[0]!.State);
        Assert.Equal(DeliveryState.Pending, outcomes[1]!.State);
        Assert.Null(outcomes[2]);
        await AssertStoredAsync(database, endpointId, [outcomes[0], outcomes[1]]);

        var succeeded = await ReadRawAsync(database, endpointId, last[0].Id);
        Assert.Equal("succeeded", succeeded.GetProperty("state").GetString());
        Assert.Equal((int)WebhookLimits.DeliveryRetention.TotalSeconds, succeeded.GetProperty("ttl").GetInt32());
        var attempts = succeeded.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(WebhookLimits.AttemptsKeptMax, attempts.Count);
        Assert.Equal("ok", attempts[^1].GetProperty("response").GetString());
        Assert.Equal("pending", (await ReadRawAsync(database, endpointId, last[2].Id)).GetProperty("state").GetString());
        // Numbers the worker's query compares and orders stay JSON numbers (the documents' options write bare numbers as strings).
        var failed = await ReadRawAsync(database, endpointId, last[1].Id);
        Assert.All(new[] { "dueMicros", "updatedMicros", "roundAttempts" }, name => Assert.Equal(JsonValueKind.Number, failed.GetProperty(name).ValueKind));
    }

    private SendResult Result(bool succeeded, int round) =>
        new(succeeded, new DeliveryAttempt(Cosmos.CosmosTime.ToMicros(clock.GetUtcNow()), succeeded ? 200 : 503, null, round, succeeded ? "ok" : $"down {round}"));

    /// <summary>Each stored delivery equals the one RecordAllAsync returned (what a replace would have written), its ETag aside.</summary>
    private static async Task AssertStoredAsync(Database database, string endpointId, IEnumerable<WebhookDelivery?> recorded)
    {
        foreach (var expected in recorded)
        {
            var stored = (await database.GetContainer(WebhookDelivery.ContainerName).ReadItemAsync<WebhookDelivery>(expected!.Id, new PartitionKey(endpointId))).Resource;
            Assert.Equal(JsonSerializer.Serialize(expected with { ETag = null }), JsonSerializer.Serialize(stored with { ETag = null }));
        }
    }

    private static async Task<JsonElement> ReadRawAsync(Database database, string endpointId, string id)
    {
        using var response = await database.GetContainer(WebhookDelivery.ContainerName).ReadItemStreamAsync(id, new PartitionKey(endpointId));
        using var document = await JsonDocument.ParseAsync(response.Content);
        return document.RootElement.Clone();
    }
}
