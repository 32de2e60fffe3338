using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Secrets;
using Pipeline.Application.Webhooks;

namespace Pipeline.Application.Tests.Webhooks;

/// <summary>Endpoints against the emulator: each change stored with its event, secrets stored by name and rotated with an overlap, limits.</summary>
[Collection(CosmosCollection.Name)]
public sealed class WebhookEndpointStoreTests(CosmosFixture cosmos)
{
    private const string Merchant = "mer_hooks";
    private const string Url = "https://hooks.example.com/pipeline";
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemorySecretStore secrets = new();

    [Fact]
    public async Task Every_change_is_stored_with_its_event_in_order()
    {
        var (database, store) = await StoreAsync();
        var created = (await store.CreateAsync(Merchant, Url, ["payment.succeeded"], "ERP", null, default))!;
        var id = created.Endpoint.Id;
        Assert.StartsWith(WebhookLimits.SecretPrefix, created.Secret, StringComparison.Ordinal);
        Assert.Equal(created.Secret, await secrets.GetAsync(created.Endpoint.SecretName, default));

        await store.UpdateAsync(Merchant, id, e => e with { Events = [WebhookEndpoint.AllEvents] }, default);
        await store.UpdateAsync(Merchant, id, e => e with { Status = WebhookEndpointStatus.Disabled }, default);
        Assert.Equal("requested", (await store.GetAsync(Merchant, id, default))!.DisabledReason);
        Assert.True(await store.DeleteAsync(Merchant, id, default));
        Assert.False(await store.DeleteAsync(Merchant, id, default));
        Assert.Null(await store.GetAsync(Merchant, id, default));

        var events = await EventsAsync(database, id);
        Assert.Equal([WebhookEndpointEvents.Created, WebhookEndpointEvents.Updated, WebhookEndpointEvents.Disabled, WebhookEndpointEvents.Deleted], events.Select(e => e.Type));
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Sequence));
        Assert.All(events, e => Assert.DoesNotContain(created.Secret!, e.Envelope.Data.GetRawText(), StringComparison.Ordinal));
        Assert.Equal(["*"], events[1].Envelope.Data.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_rotated_secret_signs_beside_the_previous_until_the_overlap_ends()
    {
        var (_, store) = await StoreAsync();
        var created = (await store.CreateAsync(Merchant, Url, ["*"], null, null, default))!;
        var rotated = (await store.RotateSecretAsync(Merchant, created.Endpoint.Id, TimeSpan.FromHours(1), default))!;

        Assert.NotEqual(created.Secret, rotated.Secret);
        Assert.Equal([rotated.Secret!, created.Secret!], await store.SigningSecretsAsync(rotated.Endpoint, default));
        Assert.Equal(clock.GetUtcNow().AddHours(1), rotated.Endpoint.ToView().PreviousSecretValidUntil);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal([rotated.Secret!], await store.SigningSecretsAsync(rotated.Endpoint, default));

        // A second rotation ends the oldest at once: at most two sign at a time; without an overlap only the new one signs.
        var again = (await store.RotateSecretAsync(Merchant, created.Endpoint.Id, TimeSpan.FromHours(1), default))!;
        Assert.Equal([again.Secret!, rotated.Secret!], await store.SigningSecretsAsync(again.Endpoint, default));
        var revoked = (await store.RotateSecretAsync(Merchant, created.Endpoint.Id, TimeSpan.Zero, default))!;
        Assert.Equal([revoked.Secret!], await store.SigningSecretsAsync(revoked.Endpoint, default));
        Assert.Null(await store.RotateSecretAsync("mer_other", created.Endpoint.Id, TimeSpan.Zero, default));
    }

    [Fact]
    public async Task A_retried_creation_finds_its_endpoint_and_a_merchant_has_at_most_the_limit()
    {
        var (_, store) = await StoreAsync();
        var first = (await store.CreateAsync(Merchant, Url, ["*"], null, "key-1", default))!;
        var retried = (await store.CreateAsync(Merchant, Url, ["*"], null, "key-1", default))!;
        Assert.Equal((first.Endpoint.Id, first.Secret), (retried.Endpoint.Id, retried.Secret));

        for (var i = 1; i < WebhookLimits.EndpointsPerMerchantMax; i++)
        {
            Assert.NotNull(await store.CreateAsync(Merchant, Url, ["*"], null, null, default));
        }

        Assert.Null(await store.CreateAsync(Merchant, Url, ["*"], null, null, default));
        Assert.Equal(WebhookLimits.EndpointsPerMerchantMax, (await store.ListAsync(Merchant, default)).Count);
        Assert.Empty(await store.ListAsync("mer_other", default));
        Assert.Null(await store.GetAsync("mer_other", first.Endpoint.Id, default));
    }

    /// <summary>Health is written only when it changes; three days of nothing but failures and a delivery out of attempts disable the endpoint, with its event.</summary>
    [Fact]
    public async Task An_endpoint_failing_for_three_days_is_disabled_with_its_event()
    {
        var (database, store) = await StoreAsync();
        var endpoint = (await store.CreateAsync(Merchant, Url, ["*"], null, null, default))!.Endpoint;

        endpoint = (await store.RecordOutcomeAsync(endpoint, succeeded: false, deliveryFailedForGood: false, default))!;
        var failingSince = endpoint.FailingSinceMicros;
        Assert.NotEqual(0, failingSince);
        clock.Advance(TimeSpan.FromDays(2));
        endpoint = (await store.RecordOutcomeAsync(endpoint, succeeded: false, deliveryFailedForGood: true, default))!;
        Assert.Equal((WebhookEndpointStatus.Enabled, failingSince), (endpoint.Status, endpoint.FailingSinceMicros));
        clock.Advance(TimeSpan.FromDays(1));
        endpoint = (await store.RecordOutcomeAsync(endpoint, succeeded: false, deliveryFailedForGood: true, default))!;
        Assert.Equal((WebhookEndpointStatus.Disabled, "failing"), (endpoint.Status, endpoint.DisabledReason));

        var enabled = (await store.UpdateAsync(Merchant, endpoint.Id, e => e with { Status = WebhookEndpointStatus.Enabled }, default))!;
        Assert.Equal((0L, (string?)null), (enabled.FailingSinceMicros, enabled.DisabledReason));
        Assert.Equal([WebhookEndpointEvents.Created, WebhookEndpointEvents.Disabled, WebhookEndpointEvents.Updated], (await EventsAsync(database, endpoint.Id)).Select(e => e.Type));
    }

    private async Task<(Database Database, WebhookEndpointStore Store)> StoreAsync()
    {
        var database = await cosmos.CreateLedgerDatabaseAsync();
        return (database, new WebhookEndpointStore(database, secrets, new TestOptionsMonitor<WebhookOptions>(new WebhookOptions()), clock));
    }

    private static async Task<List<OutboxDocument>> EventsAsync(Database database, string endpointId)
    {
        var found = await database.GetContainer(WebhookEndpointStore.ContainerName).QueryAllAsync<JsonElement>(
            new QueryDefinition("SELECT * FROM c WHERE c.docType = 'event' AND c.subject = @id").WithParameter("@id", endpointId),
            new QueryRequestOptions { PartitionKey = new PartitionKey(Merchant) }, CancellationToken.None);
        return [.. found.Select(e => e.Deserialize<OutboxDocument>(CosmosJson.Options)!).OrderBy(e => e.Sequence)];
    }
}
