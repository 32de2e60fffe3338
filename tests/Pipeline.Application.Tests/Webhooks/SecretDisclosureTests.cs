using Microsoft.Extensions.Time.Testing;
using Pipeline.Application.Http;
using Pipeline.Application.Secrets;
using Pipeline.Application.Webhooks;

namespace Pipeline.Application.Tests.Webhooks;

/// <summary>
/// Review: a signing secret is shown on creation and rotation only. But a creation under an Idempotency-Key whose
/// endpoint exists answers that endpoint's *current* secret — also long after the first answer (the idempotency record,
/// which replays without the secret, is gone after 48 h), after any number of rotations, and whatever URL the new
/// request names.
/// </summary>
/// <summary>
/// A creation found again under its Idempotency-Key answers the secret only while it is the creation's, within the key's
/// retention: never a rotated (perhaps leaked and replaced) secret, never long after (found in review).
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class SecretDisclosureTests(CosmosFixture cosmos)
{
    private const string Merchant = "mer_secret";

    [Fact]
    public async Task Creating_again_with_an_old_idempotency_key_does_not_reveal_the_rotated_secret()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var database = await cosmos.CreateLedgerDatabaseAsync();
        var store = new WebhookEndpointStore(database, new InMemorySecretStore(), new TestOptionsMonitor<WebhookOptions>(new WebhookOptions()), clock);
        var created = (await store.CreateAsync(Merchant, "https://hooks.example.com/a", ["*"], null, "setup-key-1", default))!;

        // The secret leaked; the merchant rotates it at once, with no overlap.
        var rotated = (await store.RotateSecretAsync(Merchant, created.Endpoint.Id, TimeSpan.Zero, default))!;
        clock.Advance(ApiLimits.IdempotencyRetention + TimeSpan.FromDays(30));

        // Anyone holding the API key and the old Idempotency-Key (from a log, a deployment script) "creates" again.
        var again = (await store.CreateAsync(Merchant, "https://elsewhere.example.net/b", ["*"], null, "setup-key-1", default))!;

        Assert.Equal(created.Endpoint.Id, again.Endpoint.Id);
        Assert.NotEqual(rotated.Secret, again.Secret);
        Assert.Null(again.Secret);
    }
}
