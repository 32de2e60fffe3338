using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;

namespace Pipeline.Application.Collection;

/// <summary>
/// Gives each payer of a merchant one virtual account, for good (docs/COLLECTION.md): a serial from a counter
/// (compare-and-swap), the IBAN's document naming the payer (created before the payer's, so a crash between them
/// leaves an unused IBAN that still names the right payer, never a payer whose IBAN names nobody), then the payer's
/// document naming the IBAN. Two requests racing for a new payer both take a serial; the payer's document is created
/// once, and the loser uses the winner's IBAN (its own names the same payer, and is never handed out).
/// </summary>
public sealed class VirtualAccounts(Database database, IOptions<CollectionOptions> options)
{
    public const string ContainerName = "virtual-accounts";

    private const string CounterId = "counter";

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties() => new(ContainerName, "/id");

    /// <summary>The payer's virtual account (electronic IBAN), given out now if it has none.</summary>
    public async Task<string> OfPayerAsync(string merchantId, string payerReference, CancellationToken cancellationToken)
    {
        var payerId = PayerIdOf(merchantId, payerReference);
        if (await container.ReadOrNullAsync<VirtualAccountDocument>(payerId, payerId, cancellationToken) is { Iban: { } known })
        {
            return known;
        }

        var iban = options.Value.Scheme().IbanOf(await NextSerialAsync(cancellationToken));
        await container.CreateItemAsync(new VirtualAccountDocument { Id = iban, MerchantId = merchantId, PayerReference = payerReference }, new PartitionKey(iban), NoContent.Item, cancellationToken);
        try
        {
            await container.CreateItemAsync(new VirtualAccountDocument { Id = payerId, MerchantId = merchantId, PayerReference = payerReference, Iban = iban }, new PartitionKey(payerId), NoContent.Item, cancellationToken);
            return iban;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return (await container.ReadOrNullAsync<VirtualAccountDocument>(payerId, payerId, cancellationToken))?.Iban
                ?? throw new InvalidOperationException($"The virtual account of a payer of {merchantId} conflicted on create but cannot be read.");
        }
    }

    /// <summary>
    /// An account of its own for one collection (<see cref="CollectionOptions.AccountPerCollection"/>): a new serial, whose
    /// IBAN's document names the merchant, the payer and the collection (written before the collection, so a credit
    /// that comes first still finds its payer).
    /// </summary>
    public async Task<string> OfCollectionAsync(string merchantId, string payerReference, string collectionId, CancellationToken cancellationToken)
    {
        var iban = options.Value.Scheme().IbanOf(await NextSerialAsync(cancellationToken));
        await container.CreateItemAsync(
            new VirtualAccountDocument { Id = iban, MerchantId = merchantId, PayerReference = payerReference, CollectionId = collectionId },
            new PartitionKey(iban), NoContent.Item, cancellationToken);
        return iban;
    }

    /// <summary>
    /// The merchant and payer whose virtual account <paramref name="iban"/> (electronic) is — and the collection, for an
    /// account given out for one — or null when it is nobody's.
    /// </summary>
    public async Task<AccountOwner?> OwnerOfAsync(string iban, CancellationToken cancellationToken)
    {
        if (iban == CounterId || iban.StartsWith("payer_", StringComparison.Ordinal))
        {
            return null;
        }

        var account = await container.ReadOrNullAsync<VirtualAccountDocument>(iban, iban, cancellationToken);
        return account is { MerchantId: { } merchantId, PayerReference: { } payer, Iban: null } ? new AccountOwner(merchantId, payer, account.CollectionId) : null;
    }

    private static string PayerIdOf(string merchantId, string payerReference) => ResourceIds.Derived("payer_", $"{merchantId}\n{payerReference}");

    private async Task<long> NextSerialAsync(CancellationToken cancellationToken)
    {
        var scheme = options.Value.Scheme();
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            var counter = await container.ReadOrNullAsync<VirtualAccountDocument>(CounterId, CounterId, cancellationToken);
            var next = (counter?.LastSerial ?? 0) + 1;
            if (next > scheme.SerialMax)
            {
                throw new InvalidOperationException($"Every virtual account under {scheme.CountryCode} {scheme.BankPrefix} is given out: ask the bank for another range.");
            }

            try
            {
                var updated = new VirtualAccountDocument { Id = CounterId, LastSerial = next };
                _ = counter is null
                    ? await container.CreateItemAsync(updated, new PartitionKey(CounterId), NoContent.Item, cancellationToken)
                    : await container.ReplaceItemAsync(updated, CounterId, new PartitionKey(CounterId), new ItemRequestOptions { IfMatchEtag = counter.ETag, EnableContentResponseOnWrite = false }, cancellationToken);
                return next;
            }
            catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
            {
                await Contention.BackOffAsync(attempt, cancellationToken);
            }
        }

        throw new InvalidOperationException($"The virtual account counter kept changing; gave up after {Contention.AttemptsMax} attempts.");
    }
}

/// <summary>Whose a virtual account is: a merchant's payer, and for an account per collection, that collection.</summary>
public sealed record AccountOwner(string MerchantId, string PayerReference, string? CollectionId);
