using System.Collections.Concurrent;
using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Application.Http;
using Pipeline.Application.Merchants;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Settlement;

/// <summary>What settling one merchant made: settlements and payouts this call completed.</summary>
public sealed record MerchantSettled(int Settlements, int Payouts);

/// <summary>
/// Settles one merchant for a run (docs/SETTLEMENT.md "The protocol"), in rounds: a round is planned from the
/// merchant's state and event log, recorded in the state (compare-and-swap: one round at a time, whoever races), then
/// its lines, its ledger chain and finally its settlements, payouts, events and the state moved on are written — the
/// last in one transactional batch. Every step can run again, by anyone who finds the round pending: a run killed
/// anywhere is finished by the next, and a run for a day already settled finds nothing new and writes nothing.
/// </summary>
public sealed class MerchantSettler(
    Database database, EventLog log, MerchantStore merchants, SettlementLedger ledger, TimeProvider time, ILogger<MerchantSettler> logger)
{
    private readonly Container container = database.GetContainer(SettlementStore.ContainerName);

    /// <param name="runMicros">When the run started: nothing after it is settled, whatever the day (intraday runs).</param>
    public async Task<MerchantSettled> SettleAsync(string merchantId, string runId, DateOnly date, long runMicros, CancellationToken cancellationToken)
    {
        var terms = await merchants.GetTermsAsync(merchantId, cancellationToken);
        if (terms is null)
        {
            return new(0, 0);
        }

        var calendar = terms.Settlement.Calendar();
        var cutoff = Math.Min(CosmosTime.ToMicros(calendar.CutoffOf(date)), runMicros);
        // A run for a day not begun yet (east of UTC) releases no reserve before its day.
        var today = calendar.DayOf(SettlementView.At(runMicros));
        var asOf = date < today ? date : today;
        var (rounds, settlements, payouts) = (0, 0, 0);
        for (var pass = 0; pass < SettlementLimits.RoundsPerRunMax + Contention.AttemptsMax; pass++)
        {
            var state = await ReadStateAsync(merchantId, cancellationToken);
            var pending = state.Pending;
            if (pending is null)
            {
                if (rounds == SettlementLimits.RoundsPerRunMax)
                {
                    return new(settlements, payouts);
                }

                var plan = await PlanAsync(state, terms, runId, date, asOf, cutoff, cancellationToken);
                if (plan.Round is not { } planned)
                {
                    if (plan.AdvanceTo > state.Position)
                    {
                        await AdvanceAsync(state, plan.AdvanceTo, plan.ItemsThrough, cancellationToken);
                    }

                    return new(settlements, payouts);
                }

                state = await TryBeginAsync(state, planned, cancellationToken);
                pending = planned;
                if (state is null)
                {
                    continue; // Another run began a round first: finish it (next pass), then plan again.
                }
            }

            if (await CompleteAsync(state, pending, cancellationToken))
            {
                rounds++;
                settlements += pending.Currencies.Count;
                payouts += pending.Currencies.Count(c => c.PayoutId is not null);
            }
        }

        logger.LogWarning("Settlement of {MerchantId} stopped after {Rounds} rounds in run {RunId}; the next run goes on", merchantId, SettlementLimits.RoundsPerRunMax, runId);
        return new(settlements, payouts);
    }

    /// <summary>
    /// Settles a run's batch of merchants, a few at once. A merchant that fails is logged and counted, and left as it was
    /// (or with its round pending): the next run finishes it. So one merchant's trouble never stops the others'.
    /// </summary>
    public async Task<SettlementRunTotals> SettleBatchAsync(SettleBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var results = new ConcurrentBag<SettlementRunTotals>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = SettlementLimits.MerchantsInParallel, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(batch.MerchantIds, parallel, async (merchantId, ct) =>
        {
            try
            {
                var settled = await SettleAsync(merchantId, batch.RunId, batch.Date, batch.RunMicros, ct);
                results.Add(new SettlementRunTotals(1, settled.Settlements, settled.Payouts, 0, 0, []));
            }
#pragma warning disable CA1031 // Any failure of one merchant is counted and logged; the run goes on with the others.
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogError(e, "Settling merchant {MerchantId} failed in run {RunId}; the next run takes it up again", merchantId, batch.RunId);
                results.Add(new SettlementRunTotals(1, 0, 0, 1, 0, [merchantId]));
            }
        });
        return results.Aggregate(SettlementRunTotals.Zero with { Activities = 1 }, (sum, r) => sum.Plus(r));
    }

    public async Task<SettlementState> ReadStateAsync(string merchantId, CancellationToken cancellationToken) =>
        await container.ReadOrNullAsync<SettlementState>(SettlementState.DocumentId, merchantId, cancellationToken)
            ?? new SettlementState { MerchantId = merchantId };

    /// <summary>
    /// What a look at the merchant found: the next round, or none — and then the position (and count of captures and
    /// refunds through it) the state may move on to without settling anything, past events that are not for settlement.
    /// </summary>
    private sealed record Plan(SettlementRound? Round, long AdvanceTo, long? ItemsThrough);

    /// <summary>
    /// The next round: the captures and refunds logged after the state's position and before the cut-off, the reserve
    /// due by <paramref name="asOf"/> and the payouts returned, in at most <see cref="SettlementLimits.CurrenciesPerRoundMax"/>
    /// currencies. A round that takes everything the log holds moves the position to the log's head (past the events
    /// settlement does not read, so their expiry is never taken for lost captures).
    /// </summary>
    private async Task<Plan> PlanAsync(SettlementState state, MerchantTerms terms, string runId, DateOnly date, DateOnly asOf, long cutoff, CancellationToken cancellationToken)
    {
        var head = await log.HeadAsync(state.MerchantId, cancellationToken);
        var headPosition = head?.Last ?? 0;
        var logged = head?.CountOf(SettlementItems.Types);
        var (read, all) = await SettlementItems.ReadAsync(log, state.MerchantId, state.Position, headPosition, cutoff, SettlementLimits.ItemsPerRoundMax, cancellationToken);
        if (all && state.ItemsThrough is { } through && logged is { } total && total - through != read.Count)
        {
            // Captures or refunds expired from the log before they were settled (a merchant left unsettled for its whole retention).
            throw new InvalidOperationException($"Merchant {state.MerchantId}: {total - through - read.Count} capture or refund events after position {state.Position} expired unsettled.");
        }

        var bound = state.Reserves.Where(t => t.ReleaseOn <= asOf).Select(t => t.Currency).Concat(state.Returned.Select(r => r.Currency))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(SettlementLimits.CurrenciesPerRoundMax).ToHashSet(StringComparer.Ordinal);
        var due = state.Reserves.Where(t => t.ReleaseOn <= asOf && bound.Contains(t.Currency)).ToList();
        var returned = state.Returned.Where(r => bound.Contains(r.Currency)).ToList();
        var (items, to, cut) = WithinCurrencyBound(read, state.Position, bound);
        var caughtUp = all && !cut;
        var (end, itemsThrough) = caughtUp ? (headPosition, logged) : (to, state.ItemsThrough + items.Count);
        var currencies = items.Select(i => i.Currency).Concat(bound).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (currencies.Count == 0)
        {
            return new Plan(null, end, itemsThrough);
        }

        var settled = currencies.Select(currency => CurrencyOf(state, terms, currency, [.. items.Where(i => i.Currency == currency)],
            [.. due.Where(t => t.Currency == currency)], [.. returned.Where(r => r.Currency == currency)], asOf, cutoff));
        var round = new SettlementRound(runId, date, cutoff, state.Position, end, CosmosTime.ToMicros(time.GetUtcNow()), terms.PayoutAccount, terms.Pricing.Entries, [.. settled])
        {
            ItemsThrough = itemsThrough,
        };
        return new Plan(round, end, itemsThrough);
    }

    /// <summary>One currency's settlement in a round: its id (from the merchant, the round and the currency), terms and totals.</summary>
    private static CurrencySettlement CurrencyOf(
        SettlementState state, MerchantTerms terms, string currency, IReadOnlyList<SettlementItem> items, IReadOnlyList<ReserveTranche> due,
        IReadOnlyList<ReturnedPayout> returned, DateOnly asOf, long cutoff)
    {
        var settings = terms.Settlement;
        var id = ResourceIds.Derived("stl_", $"{state.MerchantId}\n{state.Rounds}\n{currency}");
        var carried = state.Carried.GetValueOrDefault(currency);
        var minimum = settings.MinimumPayoutOf(currency);
        var currencyTerms = new SettlementTerms(
            due, carried?.AmountMinor ?? 0, settings.ReservePercentBps, terms.PayoutAccount is null ? long.MaxValue : minimum, carried?.FromSettlementId ?? "", returned);
        var totals = SettlementCalculation.Settle(id, currency, items, terms.Pricing, currencyTerms, cutoff).Totals;
        var withheld = terms.PayoutAccount is null && totals.NetMinor > 0 && totals.NetMinor >= minimum ? "no_payout_account" : null;
        return new CurrencySettlement(
            id, currency, totals, currencyTerms, totals.PayoutMinor > 0 ? ResourceIds.Derived("po_", id) : null, withheld,
            totals.ReserveHeldMinor > 0 ? asOf.AddDays(settings.ReserveDays) : null);
    }

    /// <summary>
    /// The items up to the first that would make a round of more than <see cref="SettlementLimits.CurrenciesPerRoundMax"/>
    /// currencies (the rest go to the next round), the position of the last one taken, and whether any was left.
    /// </summary>
    private static (IReadOnlyList<SettlementItem> Items, long To, bool Cut) WithinCurrencyBound(IReadOnlyList<PositionedItem> read, long from, IEnumerable<string> others)
    {
        var currencies = new HashSet<string>(others, StringComparer.Ordinal);
        var taken = new List<SettlementItem>(read.Count);
        var to = from;
        foreach (var (item, position) in read)
        {
            if (currencies.Add(item.Currency) && currencies.Count > SettlementLimits.CurrenciesPerRoundMax)
            {
                return (taken, to, true);
            }

            taken.Add(item);
            to = position;
        }

        return (taken, to, false);
    }

    /// <summary>Moves the position on without a round (nothing to settle, only events settlement does not read); another writer first is fine.</summary>
    private async Task AdvanceAsync(SettlementState state, long to, long? itemsThrough, CancellationToken cancellationToken)
    {
        var next = state with { Position = to, ItemsThrough = itemsThrough, ETag = null };
        try
        {
            _ = state.ETag is null
                ? await container.CreateItemAsync(next, new PartitionKey(state.MerchantId), NoContent.Item, cancellationToken)
                : await container.ReplaceItemAsync(next, SettlementState.DocumentId, new PartitionKey(state.MerchantId), new ItemRequestOptions { IfMatchEtag = state.ETag, EnableContentResponseOnWrite = false }, cancellationToken);
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            // Another run moved the state first; it found the same or more.
        }
    }

    /// <summary>Records the round as pending; the state as written, or null when another writer changed it first.</summary>
    private async Task<SettlementState?> TryBeginAsync(SettlementState state, SettlementRound round, CancellationToken cancellationToken)
    {
        var next = state with { Pending = round, ETag = null };
        try
        {
            var written = state.ETag is null
                ? await container.CreateItemAsync(next, new PartitionKey(state.MerchantId), NoContent.Item, cancellationToken)
                : await container.ReplaceItemAsync(next, SettlementState.DocumentId, new PartitionKey(state.MerchantId), new ItemRequestOptions { IfMatchEtag = state.ETag, EnableContentResponseOnWrite = false }, cancellationToken);
            return next with { ETag = written.ETag };
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            return null;
        }
    }

    /// <summary>
    /// Finishes a pending round: lines, ledger chain, then one batch with the settlements, payouts, their events and the
    /// state moved on. True when this call's batch completed it; false when another writer changed the state first.
    /// </summary>
    private async Task<bool> CompleteAsync(SettlementState state, SettlementRound round, CancellationToken cancellationToken)
    {
        var items = await SettlementItems.ReadRangeAsync(log, state.MerchantId, round.FromPosition, round.ToPosition, cancellationToken);
        var pricing = new PricingSchedule(round.Pricing);
        var batch = container.CreateTransactionalBatch(new PartitionKey(state.MerchantId));
        var carried = state.Carried.ToDictionary(StringComparer.Ordinal);
        var reserves = state.Reserves.ToList();
        var returned = state.Returned.ToList();
        foreach (var settlement in round.Currencies)
        {
            var outcome = SettlementCalculation.Settle(
                settlement.SettlementId, settlement.Currency, [.. items.Where(i => i.Currency == settlement.Currency)], pricing, settlement.Terms, round.CutoffMicros);
            if (outcome.Totals != settlement.Totals)
            {
                throw new InvalidOperationException($"Settlement {settlement.SettlementId} came out differently when its round was finished: the event log changed under it.");
            }

            var chunks = await WriteLinesAsync(state.MerchantId, settlement.SettlementId, outcome.Lines, cancellationToken);
            await ledger.ApplyAsync(state.MerchantId, settlement, cancellationToken);
            batch = AddDocuments(batch, state.MerchantId, round, settlement, outcome.Lines.Count, chunks);

            carried.Remove(settlement.Currency);
            if (settlement.Totals.CarriedOutMinor != 0)
            {
                carried[settlement.Currency] = new CarriedAmount(settlement.Totals.CarriedOutMinor, settlement.SettlementId);
            }

            reserves.RemoveAll(t => settlement.Terms.DueTranches.Any(d => d.Id == t.Id && d.Currency == t.Currency));
            if (settlement.ReserveReleaseOn is { } releaseOn)
            {
                // One tranche per currency and release date (intraday runs add to it): the state stays small however often runs come.
                var same = reserves.FindIndex(t => t.Currency == settlement.Currency && t.ReleaseOn == releaseOn);
                reserves.Add(same < 0
                    ? new ReserveTranche(settlement.SettlementId, settlement.Currency, settlement.Totals.ReserveHeldMinor, releaseOn)
                    : reserves[same] with { AmountMinor = reserves[same].AmountMinor + settlement.Totals.ReserveHeldMinor });
                if (same >= 0)
                {
                    reserves.RemoveAt(same);
                }
            }

            returned.RemoveAll(r => settlement.Terms.Returned.Any(s => s.Id == r.Id));
        }

        var moved = state with
        {
            Position = round.ToPosition, ItemsThrough = round.ItemsThrough, Rounds = state.Rounds + 1, Carried = carried, Reserves = reserves, Returned = returned,
            Pending = null, ETag = null,
        };
        batch = batch.ReplaceItem(SettlementState.DocumentId, moved, new TransactionalBatchItemRequestOptions { IfMatchEtag = state.ETag, EnableContentResponseOnWrite = false });
        using var response = await batch.ExecuteAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            logger.LogInformation("Settled {MerchantId} up to position {Position} in run {RunId}: {Settlements}", state.MerchantId, round.ToPosition, round.RunId,
                string.Join(", ", round.Currencies.Select(c => $"{c.SettlementId} {c.Currency} net {c.Totals.NetMinor} payout {c.Totals.PayoutMinor}")));
            return true;
        }

        return response.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict
            ? false
            : throw new CosmosException($"Completing a settlement round of {state.MerchantId} failed: {response.ErrorMessage}", response.StatusCode, 0, response.ActivityId, response.RequestCharge);
    }

    private static TransactionalBatch AddDocuments(TransactionalBatch batch, string merchantId, SettlementRound round, CurrencySettlement settlement, int lineCount, int chunks)
    {
        var document = new SettlementDocument
        {
            Id = settlement.SettlementId, MerchantId = merchantId, Currency = settlement.Currency, Date = round.Date, RunId = round.RunId,
            CutoffMicros = round.CutoffMicros, FromPosition = round.FromPosition, ToPosition = round.ToPosition, Totals = settlement.Totals,
            LineCount = lineCount, LineChunks = chunks, PayoutId = settlement.PayoutId, PayoutWithheld = settlement.PayoutWithheld,
            ReserveReleaseOn = settlement.ReserveReleaseOn, CreatedMicros = round.PlannedMicros,
        };
        batch = batch.CreateItem(document, NoContent.BatchItem).CreateItem(SettlementEvents.CompletedOf(document), NoContent.BatchItem);
        if (settlement.PayoutId is { } payoutId)
        {
            var payout = new PayoutDocument
            {
                Id = payoutId, MerchantId = merchantId, SettlementId = settlement.SettlementId, AmountMinor = settlement.Totals.PayoutMinor,
                Currency = settlement.Currency, Account = round.PayoutAccount ?? throw new InvalidOperationException($"Payout {payoutId} has no account."),
                ExecutionDate = DateOnly.FromDateTime(SettlementView.At(round.PlannedMicros).UtcDateTime), Status = PayoutStatus.Created,
                CreatedMicros = round.PlannedMicros, EventSequence = 1,
            };
            batch = batch.CreateItem(payout, NoContent.BatchItem).CreateItem(SettlementEvents.PayoutEventOf(payout, round.PlannedMicros), NoContent.BatchItem);
        }

        return batch;
    }

    /// <summary>The report's lines in chunks (each created once: a chunk written before is the same chunk). Returns how many.</summary>
    private async Task<int> WriteLinesAsync(string merchantId, string settlementId, IReadOnlyList<SettlementLine> lines, CancellationToken cancellationToken)
    {
        var chunks = lines.Chunk(SettlementLimits.LinesPerChunk).ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            var document = new SettlementLinesDocument { Id = SettlementLinesDocument.IdOf(settlementId, i), MerchantId = merchantId, SettlementId = settlementId, Index = i, Lines = chunks[i] };
            await ContainerExtensions.IgnoringAsync(HttpStatusCode.Conflict, () => container.CreateItemAsync(document, new PartitionKey(merchantId), NoContent.Item, cancellationToken));
        }

        return chunks.Count;
    }
}
