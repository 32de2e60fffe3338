using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Http;
using Pipeline.Application.Merchants;
using Pipeline.Application.Wallets;
using Pipeline.Domain.Banking;
using Pipeline.Domain.Collection;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Collection;

/// <summary>What became of a request on a collection.</summary>
public enum CollectionRefusal
{
    NotFound,
    WalletNotFound,
    WalletCurrencyMismatch,
    NotCancelable,
    IdempotencyKeyReused,
}

/// <summary>
/// Collections (container "collections", partition = merchant) with their events beside them: each change and its
/// event in one transactional batch, as payments do. Creating one gives its payer a virtual account (once per payer)
/// and a creditor reference, and answers the payment instructions.
/// </summary>
public sealed class CollectionStore(
    Database database, VirtualAccounts accounts, WalletStore wallets, MerchantStore merchants, ICollectionWatch watch, IOptions<CollectionOptions> options, TimeProvider time)
{
    /// <summary>A collection not stored this long after its orchestration started never will be (its request failed).</summary>
    private static readonly TimeSpan NeverStoredAfter = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How soon a look that finds the collection not stored yet looks again: its orchestration starts before the write,
    /// and under load its first look can come first (seen in CI: waiting out the whole minute delayed the reminder).
    /// </summary>
    private static readonly TimeSpan NotStoredYetLookAgain = TimeSpan.FromSeconds(2);

    public const string ContainerName = "collections";

    private const string IdPrefix = "col_";

    /// <summary>A creditor reference carries the collection id's first 20 hexadecimal digits (80 bits): RF, 2 check digits, 20.</summary>
    private const int ReferenceDigits = 20;

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties() => OutboxContainers.ListedNewestFirst(ContainerName);

    public async Task<(CollectionView? Collection, CollectionRefusal? Refusal)> CreateAsync(
        string merchantId, CreateCollectionRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.WalletId is { } walletId)
        {
            var wallet = await wallets.GetAsync(merchantId, walletId, cancellationToken);
            if (wallet is null)
            {
                return (null, CollectionRefusal.WalletNotFound);
            }

            if (wallet.Currency != request.Currency)
            {
                return (null, CollectionRefusal.WalletCurrencyMismatch);
            }
        }

        var id = ResourceIds.NewOrDerived(IdPrefix, $"merchant:{merchantId}", idempotencyKey);
        if (await ReadAsync(merchantId, id, cancellationToken) is { } earlier)
        {
            return IsSame(earlier, request) ? (await ViewAsync(earlier, cancellationToken), null) : (null, CollectionRefusal.IdempotencyKeyReused);
        }

        var now = CosmosTime.ToMicros(time.GetUtcNow());
        await watch.EnsureStartedAsync(new CollectionWork(merchantId, id, now), cancellationToken);
        var collection = new CollectionDocument
        {
            Id = id, MerchantId = merchantId, AmountMinor = request.Amount, Currency = request.Currency,
            Payer = new CollectionPayer(request.Payer.Name.Trim(), request.Payer.Reference), DueAtMicros = CosmosTime.ToMicros(request.DueAt),
            OrderReference = request.OrderReference, ToleranceMinor = request.ToleranceMinor ?? 0, WalletId = request.WalletId,
            VirtualAccount = options.Value.AccountPerCollection
                ? await accounts.OfCollectionAsync(merchantId, request.Payer.Reference, id, cancellationToken)
                : await accounts.OfPayerAsync(merchantId, request.Payer.Reference, cancellationToken),
            CreditorReference = CreditorReference.Create(id[IdPrefix.Length..][..ReferenceDigits]),
            Status = CollectionStatus.Open, CreatedMicros = now, UpdatedMicros = now,
        };
        var stored = await WriteAsync(null, collection, CollectionEvents.Created, cancellationToken);
        return stored is not null
            ? (await ViewAsync(stored, cancellationToken), null)
            : await CreateAsync(merchantId, request, idempotencyKey, cancellationToken); // Created meanwhile under the same key: answer from it.
    }

    public const int PageSizeDefault = 25;
    public const int PageSizeMax = 100;

    public static bool IsCollectionId(string id) => ResourceIds.IsValid(id, IdPrefix);

    /// <summary>The merchant's collections, newest first, optionally of one status and one payer, after the cursor of the previous page.</summary>
    public async Task<CollectionsPage> ListAsync(
        string merchantId, CollectionStatus? status, string? payerReference, int limit, (long Micros, string Id)? after, CancellationToken cancellationToken)
    {
        // The partition holds the collections' events too: a collection is what has a payer.
        var text = $"SELECT TOP {limit + 1} * FROM c WHERE IS_DEFINED(c.payer)";
        text += status is null ? "" : " AND c.status = @status";
        text += payerReference is null ? "" : " AND c.payer.reference = @payer";
        text += NewestFirstCursor.After(after);
        var query = new QueryDefinition(text + " ORDER BY c.createdMicros DESC, c.id DESC")
            .WithParameter("@status", status is { } s ? JsonNamingPolicy.CamelCase.ConvertName(s.ToString()) : "")
            .WithParameter("@payer", payerReference ?? "")
            .WithParameter("@afterId", after?.Id ?? "");
        var found = await container.QueryAllAsync<CollectionDocument>(query, new QueryRequestOptions { PartitionKey = new PartitionKey(merchantId), MaxItemCount = limit + 1 }, cancellationToken);
        var page = found.Take(limit).ToList();
        var views = new List<CollectionView>(page.Count);
        foreach (var collection in page)
        {
            views.Add(await ViewAsync(collection, cancellationToken));
        }

        return new CollectionsPage(views, found.Count > limit ? NewestFirstCursor.Of(page[^1].CreatedMicros, page[^1].Id) : null);
    }

    public async Task<CollectionView?> GetAsync(string merchantId, string id, CancellationToken cancellationToken) =>
        await ReadAsync(merchantId, id, cancellationToken) is { } collection ? await ViewAsync(collection, cancellationToken) : null;

    /// <summary>Cancels an open or partially paid collection (what it received stays where it landed); refused once it is paid, expired or canceled.</summary>
    public async Task<(CollectionView? Collection, CollectionRefusal? Refusal)> CancelAsync(string merchantId, string id, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            if (await ReadAsync(merchantId, id, cancellationToken) is not { } collection)
            {
                return (null, CollectionRefusal.NotFound);
            }

            if (collection.Status is not (CollectionStatus.Open or CollectionStatus.PartiallyPaid))
            {
                return (await ViewAsync(collection, cancellationToken), CollectionRefusal.NotCancelable);
            }

            var canceled = collection with { Status = CollectionStatus.Canceled, UpdatedMicros = CosmosTime.ToMicros(time.GetUtcNow()) };
            if (await WriteAsync(collection, canceled, CollectionEvents.Canceled, cancellationToken) is { } stored)
            {
                return (await ViewAsync(stored, cancellationToken), null);
            }

            await Contention.BackOffAsync(attempt, cancellationToken);
        }

        throw new InvalidOperationException($"Collection {id} kept changing; gave up after {Contention.AttemptsMax} attempts.");
    }

    /// <summary>
    /// One look for the collection's orchestration: past its due time an open or partially paid collection expires; a
    /// reminder lead before it, its reminder goes out once; a paid, canceled or expired one needs no more looks.
    /// </summary>
    public async Task<CollectionCheck> CheckAsync(CollectionWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            var now = CosmosTime.ToMicros(time.GetUtcNow());
            var collection = await ReadAsync(work.MerchantId, work.CollectionId, cancellationToken);
            if (collection is null)
            {
                var giveUpAt = work.StartedMicros + (NeverStoredAfter.Ticks / TimeSpan.TicksPerMicrosecond);
                return now >= giveUpAt
                    ? new CollectionCheck(true, 0)
                    : new CollectionCheck(false, Math.Min(giveUpAt, now + (NotStoredYetLookAgain.Ticks / TimeSpan.TicksPerMicrosecond)));
            }

            if (collection.Status is not (CollectionStatus.Open or CollectionStatus.PartiallyPaid))
            {
                return new CollectionCheck(true, 0);
            }

            var remindAt = collection.DueAtMicros - (options.Value.ReminderLead.Ticks / TimeSpan.TicksPerMicrosecond);
            var (change, eventType) = now >= collection.DueAtMicros
                ? (collection with { Status = CollectionStatus.Expired, UpdatedMicros = now }, CollectionEvents.Expired)
                : now >= remindAt && collection.RemindedMicros is null && options.Value.ReminderLead > TimeSpan.Zero
                    ? (collection with { RemindedMicros = now, UpdatedMicros = now }, CollectionEvents.Reminder)
                    : (null, null);
            if (change is null)
            {
                return new CollectionCheck(false, collection.RemindedMicros is null && options.Value.ReminderLead > TimeSpan.Zero ? Math.Max(remindAt, now) : collection.DueAtMicros);
            }

            if (await WriteAsync(collection, change, eventType!, cancellationToken) is { } stored)
            {
                return stored.Status == CollectionStatus.Expired ? new CollectionCheck(true, 0) : new CollectionCheck(false, stored.DueAtMicros);
            }

            await Contention.BackOffAsync(attempt, cancellationToken);
        }

        throw new InvalidOperationException($"Collection {work.CollectionId} kept changing; gave up after {Contention.AttemptsMax} attempts.");
    }

    /// <summary>
    /// Records a decided credit on the collection it pays, on the version the decision was made on (If-Match): its
    /// paid amount and status move on, the credit joins its list, and the status's event goes out in the same batch.
    /// Null when the collection changed meanwhile (the decision must be made again).
    /// </summary>
    internal Task<CollectionDocument?> RecordCreditAsync(CollectionDocument before, BankCreditDocument credit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(credit);
        var placement = credit.Placement!;
        var now = CosmosTime.ToMicros(time.GetUtcNow());
        var paid = placement.Allocations.Where(a => a.Target == AllocationTarget.Collection).Sum(a => a.AmountMinor);
        var status = placement.NewStatus ?? throw new InvalidOperationException($"Credit {credit.Id} placed on a collection without its new status.");
        var after = before with
        {
            PaidMinor = before.PaidMinor + paid + placement.WrittenOffMinor, Status = status, UpdatedMicros = now,
            Credits = [.. before.Credits, new AppliedCredit(credit.Id, credit.BankTransactionId, paid, placement.WrittenOffMinor, now)],
        };
        return WriteAsync(before, after, CollectionEvents.OfStatus(status), cancellationToken);
    }

    /// <summary>
    /// The collections a credit may go to: the payer's open and partly paid ones (the merchant's partition), and the one
    /// its reference names — in the payer's merchant's partition, or across merchants when the account names no payer
    /// (a reference alone places a credit; it is rare, so the cross-partition query is too). Collections whose credit
    /// list is full take no more.
    /// </summary>
    internal async Task<IReadOnlyList<CollectionDocument>> CandidatesAsync(
        string? merchantId, string? payerReference, string? creditorReference, CancellationToken cancellationToken)
    {
        var found = new List<CollectionDocument>();
        if (merchantId is not null && payerReference is not null)
        {
            var open = new QueryDefinition("SELECT * FROM c WHERE c.payer.reference = @payer AND c.status IN ('open', 'partiallyPaid')").WithParameter("@payer", payerReference);
            found.AddRange(await container.QueryAllAsync<CollectionDocument>(open, new QueryRequestOptions { PartitionKey = new PartitionKey(merchantId) }, cancellationToken));
        }

        if (creditorReference is not null && found.All(c => c.CreditorReference != creditorReference))
        {
            var named = new QueryDefinition("SELECT * FROM c WHERE c.creditorReference = @reference").WithParameter("@reference", creditorReference);
            var options = merchantId is null ? null : new QueryRequestOptions { PartitionKey = new PartitionKey(merchantId) };
            found.AddRange(await container.QueryAllAsync<CollectionDocument>(named, options, cancellationToken));
        }

        return [.. found.Where(c => c.Credits.Count < CollectionLimits.CreditsMax)];
    }

    /// <summary>Any merchant's collection by its id (the admin's resolution of a credit in suspense): across partitions.</summary>
    internal async Task<CollectionDocument?> FindAnyAsync(string id, CancellationToken cancellationToken)
    {
        if (!ResourceIds.IsValid(id, IdPrefix))
        {
            return null;
        }

        var query = new QueryDefinition("SELECT * FROM c WHERE c.id = @id").WithParameter("@id", id);
        return (await container.QueryAllAsync<CollectionDocument>(query, null, cancellationToken)).FirstOrDefault();
    }

    internal Task<CollectionDocument?> ReadAsync(string merchantId, string id, CancellationToken cancellationToken) =>
        ResourceIds.IsValid(id, IdPrefix) ? container.ReadOrNullAsync<CollectionDocument>(id, merchantId, cancellationToken) : Task.FromResult<CollectionDocument?>(null);

    private static bool IsSame(CollectionDocument collection, CreateCollectionRequest request) =>
        collection.AmountMinor == request.Amount && collection.Currency == request.Currency && collection.Payer.Reference == request.Payer.Reference
        && collection.DueAtMicros == CosmosTime.ToMicros(request.DueAt) && collection.OrderReference == request.OrderReference
        && collection.ToleranceMinor == (request.ToleranceMinor ?? 0) && collection.WalletId == request.WalletId;

    /// <summary>Writes the collection (created, or replaced If-Match) with the event its change emits; null when another writer came first.</summary>
    private async Task<CollectionDocument?> WriteAsync(CollectionDocument? before, CollectionDocument after, string eventType, CancellationToken cancellationToken)
    {
        var stored = after with { EventSequence = after.EventSequence + 1, ETag = null };
        var data = JsonSerializer.SerializeToElement(await ViewAsync(stored, cancellationToken), ApiJson.Options);
        var envelope = EventEnvelope.Of(eventType, $"/v1/collections/{stored.Id}", stored.Id, stored.EventSequence, stored.UpdatedMicros, data);
        var batch = container.CreateTransactionalBatch(new PartitionKey(stored.MerchantId));
        batch = before is null
            ? batch.CreateItem(stored, NoContent.BatchItem)
            : batch.ReplaceItem(stored.Id, stored, new TransactionalBatchItemRequestOptions { IfMatchEtag = before.ETag, EnableContentResponseOnWrite = false });
        using var response = await batch.CreateItem(OutboxDocument.Of(stored.MerchantId, envelope, stored.UpdatedMicros), NoContent.BatchItem).ExecuteAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return stored with { ETag = response[0].ETag };
        }

        return response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed
            ? null
            : throw new CosmosException($"Writing collection {stored.Id} failed: {response.ErrorMessage}", response.StatusCode, 0, response.ActivityId, response.RequestCharge);
    }

    /// <summary>The collection as the API shows it; the beneficiary is the merchant (its name as onboarded).</summary>
    private async Task<CollectionView> ViewAsync(CollectionDocument c, CancellationToken cancellationToken)
    {
        var beneficiary = (await merchants.GetTermsAsync(c.MerchantId, cancellationToken))?.Name ?? c.MerchantId;
        var bic = string.IsNullOrEmpty(options.Value.BankBic) ? null : options.Value.BankBic;
        var remaining = Math.Max(0, c.AmountMinor - c.PaidMinor);
        var dueAt = new DateTimeOffset(CosmosTime.ToTicks(c.DueAtMicros), TimeSpan.Zero);
        var qr = c.Currency == "EUR" && remaining is > 0 and <= EpcQrCode.AmountMinorMax
            ? EpcQrCode.Of(beneficiary, c.VirtualAccount, bic, remaining, c.CreditorReference, c.OrderReference)
            : null;
        var instructions = new PaymentInstructions(beneficiary, c.VirtualAccount, Iban.Format(c.VirtualAccount), bic, remaining, c.Currency, c.CreditorReference, dueAt, qr);
        return new CollectionView(c.Id, c.Status, c.AmountMinor, c.Currency, c.PaidMinor, remaining, c.Payer, c.VirtualAccount, c.CreditorReference, instructions,
            c.OrderReference, c.ToleranceMinor, c.WalletId ?? CollectionLedger.CollectionWalletIdOf(c.MerchantId, Currency.Parse(c.Currency)), dueAt, At(c.CreatedMicros), At(c.UpdatedMicros),
            [.. c.Credits.Select(credit => new CollectionCredit(credit.CreditId, credit.BankTransactionId, credit.AmountMinor, credit.WrittenOffMinor, At(credit.AtMicros)))]);
    }

    private static DateTimeOffset At(long micros) => new(CosmosTime.ToTicks(micros), TimeSpan.Zero);
}
