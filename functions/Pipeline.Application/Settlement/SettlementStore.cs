using System.Globalization;
using System.Net;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Http;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Settlement;

/// <summary>A page of settlements, newest first, and the cursor to the next page (null after the last).</summary>
public sealed record SettlementsPage(IReadOnlyList<SettlementView> Settlements, string? Next);

/// <summary>What became of a request to book a payout as returned.</summary>
public enum ReturnOutcome
{
    Returned,
    AlreadyReturned,
    NotFound,
}

/// <summary>
/// The settlements container (partition = merchant): each merchant's settlement state, settlements with their report
/// lines, payouts, and their events (an outbox the relay reads, like the payments'). What the routes read and the one
/// change a bank's answer makes: a payout returned.
/// </summary>
public sealed class SettlementStore(Database database, SettlementLedger ledger, TimeProvider time)
{
    public const string ContainerName = "settlements";

    public const int PageSizeDefault = 25;
    public const int PageSizeMax = 100;

    private const string SettlementPrefix = "stl_";
    private const string PayoutPrefix = "po_";

    private readonly Container container = database.GetContainer(ContainerName);

    public static ContainerProperties ContainerProperties() => OutboxContainers.ListedNewestFirst(ContainerName);

    public static bool IsSettlementId(string id) => ResourceIds.IsValid(id, SettlementPrefix);

    public static bool IsPayoutId(string id) => ResourceIds.IsValid(id, PayoutPrefix);

    /// <summary>The merchant's settlements, newest first, optionally of one date and status, after the cursor of the previous page.</summary>
    public async Task<SettlementsPage> ListAsync(string merchantId, DateOnly? date, string? status, int limit, (long Micros, string Id)? after, CancellationToken cancellationToken)
    {
        var text = $"SELECT TOP {limit + 1} * FROM c WHERE c.kind = '{SettlementKinds.Settlement}'";
        text += date is null ? "" : " AND c.date = @date";
        text += status switch { "paid_out" => " AND IS_STRING(c.payoutId)", "carried" => " AND NOT IS_STRING(c.payoutId)", _ => "" };
        text += NewestFirstCursor.After(after);
        var query = new QueryDefinition(text + " ORDER BY c.createdMicros DESC, c.id DESC")
            .WithParameter("@date", date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "")
            .WithParameter("@afterId", after?.Id ?? "");
        var found = await container.QueryAllAsync<SettlementDocument>(query, new QueryRequestOptions { PartitionKey = new PartitionKey(merchantId), MaxItemCount = limit + 1 }, cancellationToken);
        var page = found.Take(limit).ToList();
        return new SettlementsPage([.. page.Select(SettlementView.Of)], found.Count > limit ? NewestFirstCursor.Of(page[^1].CreatedMicros, page[^1].Id) : null);
    }

    /// <summary>The settlement; <paramref name="merchantId"/> null (the admin) looks in every merchant's partition.</summary>
    public Task<SettlementDocument?> GetAsync(string? merchantId, string id, CancellationToken cancellationToken) =>
        IsSettlementId(id) ? FindAsync<SettlementDocument>(merchantId, id, SettlementKinds.Settlement, cancellationToken) : Task.FromResult<SettlementDocument?>(null);

    public Task<PayoutDocument?> GetPayoutAsync(string? merchantId, string id, CancellationToken cancellationToken) =>
        IsPayoutId(id) ? FindAsync<PayoutDocument>(merchantId, id, SettlementKinds.Payout, cancellationToken) : Task.FromResult<PayoutDocument?>(null);

    /// <summary>The settlement's report lines, in order.</summary>
    public async Task<IReadOnlyList<SettlementLine>> LinesAsync(SettlementDocument settlement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        var lines = new List<SettlementLine>(settlement.LineCount);
        for (var i = 0; i < settlement.LineChunks; i++)
        {
            var chunk = await container.ReadOrNullAsync<SettlementLinesDocument>(SettlementLinesDocument.IdOf(settlement.Id, i), settlement.MerchantId, cancellationToken)
                ?? throw new InvalidOperationException($"Settlement {settlement.Id} lacks its line chunk {i}.");
            lines.AddRange(chunk.Lines);
        }

        return lines;
    }

    /// <summary>
    /// Books a payout the bank returned. First, in one batch, the payout marked returned with its event and the amount
    /// owed again in the merchant's settlement state; then the money back from clearing to the merchant's revenue. A
    /// request that dies between the two leaves the return recorded: the next settlement of the currency books the
    /// money back (by the same transfer id) before it pays the amount again, and a repeat of the request does too.
    /// (Booking the money first, as a first version did, left it in revenue unowed if the request died before the
    /// batch — found in review.)
    /// </summary>
    public async Task<(ReturnOutcome Outcome, PayoutDocument? Payout)> ReturnPayoutAsync(string payoutId, string reason, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            if (await GetPayoutAsync(null, payoutId, cancellationToken) is not { } payout)
            {
                return (ReturnOutcome.NotFound, null);
            }

            var owed = new ReturnedPayout(payout.Id, payout.Currency, payout.AmountMinor);
            if (payout.Status == PayoutStatus.Returned)
            {
                await ledger.ReturnAsync(payout.MerchantId, owed, cancellationToken);
                return (ReturnOutcome.AlreadyReturned, payout);
            }

            var now = CosmosTime.ToMicros(time.GetUtcNow());
            var returned = payout with { Status = PayoutStatus.Returned, ReturnedMicros = now, ReturnReason = reason, EventSequence = payout.EventSequence + 1, ETag = null };
            var state = await container.ReadOrNullAsync<SettlementState>(SettlementState.DocumentId, payout.MerchantId, cancellationToken)
                ?? throw new InvalidOperationException($"Payout {payout.Id} has no settlement state.");
            using var response = await container.CreateTransactionalBatch(new PartitionKey(payout.MerchantId))
                .ReplaceItem(payout.Id, returned, new TransactionalBatchItemRequestOptions { IfMatchEtag = payout.ETag, EnableContentResponseOnWrite = false })
                .CreateItem(SettlementEvents.PayoutEventOf(returned, now), NoContent.BatchItem)
                .ReplaceItem(SettlementState.DocumentId, state with { Returned = [.. state.Returned, owed], ETag = null },
                    new TransactionalBatchItemRequestOptions { IfMatchEtag = state.ETag, EnableContentResponseOnWrite = false })
                .ExecuteAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                await ledger.ReturnAsync(payout.MerchantId, owed, cancellationToken);
                return (ReturnOutcome.Returned, returned);
            }

            if (response.StatusCode is not (HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict))
            {
                throw new CosmosException($"Returning payout {payout.Id} failed: {response.ErrorMessage}", response.StatusCode, 0, response.ActivityId, response.RequestCharge);
            }

            await Contention.BackOffAsync(attempt, cancellationToken);
        }

        throw new InvalidOperationException($"Payout {payoutId} kept changing; gave up after {Contention.AttemptsMax} attempts.");
    }

    private async Task<T?> FindAsync<T>(string? merchantId, string id, string kind, CancellationToken cancellationToken)
        where T : class
    {
        if (merchantId is not null)
        {
            return await container.ReadOrNullAsync<T>(id, merchantId, cancellationToken);
        }

        var query = new QueryDefinition($"SELECT * FROM c WHERE c.id = @id AND c.kind = '{kind}'").WithParameter("@id", id);
        return (await container.QueryAllAsync<T>(query, null, cancellationToken)).FirstOrDefault();
    }
}
