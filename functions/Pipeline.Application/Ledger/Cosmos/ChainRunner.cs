using System.Net;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// Linked chains across partitions: all links apply or none. No write spans partitions, so a chain is applied in
/// two phases (<see cref="ChainPhases"/>): every link is first placed as a hold (each hold checked against its
/// accounts' limits, as the core checks each link), and only when all holds are in place does the chain commit and
/// post them. A link that is refused fences its hold and the chain releases the holds already placed. Until it
/// commits, a chain has moved only pending amounts, so no posted money is ever visible from a chain that fails.
/// </summary>
internal sealed class ChainRunner(TransferProtocol protocol, ChainPhases phases, TransferDocuments transfers, TimeProvider time, ILedgerFaults faults)
{
    public async Task<TransferResult[]> CreateTransfersAsync(IReadOnlyList<Transfer> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Transfer[] requests = [.. batch];
        var results = new TransferResult[requests.Length];
        var start = 0;
        while (start < requests.Length)
        {
            var end = LinkedChains.EndOf(requests, start);
            if (end == requests.Length)
            {
                LinkedChains.FailOpen(results.AsSpan(start..end));
                break;
            }

            if (end == start)
            {
                results[start] = await protocol.CreateTransferAsync(requests[start], cancellationToken);
            }
            else
            {
                (await ApplyChainAsync(requests[start..(end + 1)], cancellationToken)).CopyTo(results, start);
            }

            start = end + 1;
        }

        return results;
    }

    private async Task<TransferResult[]> ApplyChainAsync(Transfer[] links, CancellationToken cancellationToken)
    {
        if (links.Any(l => l.IsPostOrVoid))
        {
            throw new NotSupportedException("A post or void cannot be a link of a chain in the Cosmos ledger; resolve holds on their own.");
        }

        var (chain, created) = await CreateOrReadChainAsync(links, 0, cancellationToken);
        var head = chain;
        for (var runs = 0; runs < Contention.AttemptsMax; runs++)
        {
            chain = await DriveChainAsync(chain, cancellationToken);
            if (created || chain.State != TransferState.Failed || BurnsId(ResultText.ParseTransferResult(chain.Failure!)))
            {
                return await AnswersAsync(chain, links, created, cancellationToken);
            }

            // Submitted again after a failure that decided no id (the chain met an id another chain held, or one that
            // exists differently): the core would run it again, so it runs again, as the next run with ids of its own.
            // The first run keeps the number of the newest, so a submission goes straight there, however many there were.
            var next = Math.Max(chain.Run + 1, head.LatestRun);
            for (var attempt = 0; head.LatestRun < next; attempt++)
            {
                if (attempt == Contention.AttemptsMax)
                {
                    throw new LedgerContentionException(head.Id);
                }

                var (won, current) = await transfers.SwapChainAsync(head, head with { LatestRun = next }, cancellationToken);
                head = current;
                if (!won)
                {
                    await Contention.BackOffAsync(attempt, cancellationToken);
                }
            }

            (chain, created) = await CreateOrReadChainAsync(links, next, cancellationToken);
        }

        throw new InvalidOperationException($"Chain {chain.Id}: still failing without deciding its ids after {Contention.AttemptsMax} runs.");
    }

    /// <summary>Run <paramref name="run"/> of the chain of these links: created now, or as stored (with whether this call created it).</summary>
    private async Task<(ChainDocument Chain, bool Created)> CreateOrReadChainAsync(Transfer[] links, int run, CancellationToken cancellationToken)
    {
        var chain = new ChainDocument
        {
            Id = ChainId(links, run),
            Run = run,
            Links = links,
            CreatedMicros = CosmosTime.ToMicros(time.GetUtcNow()),
        };
        try
        {
            return ((await transfers.Container.CreateItemAsync(chain, Key(chain.Id), cancellationToken: cancellationToken)).Resource, true);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return (await transfers.ReadChainAsync(chain.Id, cancellationToken)
                ?? throw new InvalidOperationException($"Chain {chain.Id} conflicted on create but cannot be read."), false);
        }
    }

    /// <summary>
    /// The chain's results as the core would give them: for a replay, exists or the decided failure; for the first
    /// answer, ok for each link the chain applied and exists for one that was there already (the same transfer).
    /// </summary>
    private async Task<TransferResult[]> AnswersAsync(ChainDocument chain, Transfer[] submitted, bool created, CancellationToken cancellationToken)
    {
        var results = new TransferResult[submitted.Length];
        if (chain.State == TransferState.Applied)
        {
            var comparisons = new TransferResult[submitted.Length];
            for (var i = 0; i < submitted.Length; i++)
            {
                comparisons[i] = created && ChainPhases.EarlierWithSameId(submitted, i) is null
                    && (await transfers.ReadAsync(submitted[i].Id, cancellationToken))?.ChainId == chain.Id
                    ? TransferResult.Ok
                    : TransferRules.CompareWithExisting(submitted[i], chain.Links[i]);
            }

            var failed = Array.FindIndex(comparisons, r => !r.IsSuccess());
            if (failed < 0)
            {
                return comparisons;
            }

            results.AsSpan().Fill(TransferResult.LinkedEventFailed);
            results[failed] = comparisons[failed];
            return results;
        }

        var failure = ResultText.ParseTransferResult(chain.Failure!);
        results.AsSpan().Fill(TransferResult.LinkedEventFailed);
        results[chain.FailedLink] = created || !BurnsId(failure) ? failure : TransferResult.IdAlreadyFailed;
        return results;
    }

    /// <summary>Whether the core remembers an id refused so: not when the refusal was about the id itself (zero, failed, someone else's).</summary>
    public static bool BurnsId(TransferResult failure) =>
        failure is not (TransferResult.IdMustNotBeZero or TransferResult.IdIsReserved or TransferResult.IdAlreadyFailed or TransferResult.Exists)
        && !failure.Code().StartsWith("exists_with_different", StringComparison.Ordinal);

    /// <summary>Drives a chain from wherever it stands to applied, or to failed with every hold released.</summary>
    public async Task<ChainDocument> DriveChainAsync(ChainDocument chain, CancellationToken cancellationToken)
    {
        if (chain.State == TransferState.InFlight)
        {
            var (failedAt, failure) = await phases.PlaceHoldsAsync(chain, cancellationToken);
            var decided = failedAt >= 0
                ? chain with { State = TransferState.Failed, FailedLink = failedAt, Failure = failure.Code() }
                : chain with { State = TransferState.Committing };
            var (won, current) = await transfers.SwapChainAsync(chain, decided, cancellationToken);
            await faults.AfterAsync(LedgerStep.Committed, chain.Links[0].Id);
            if (!won && current is { State: TransferState.Failed, CleanedUp: true })
            {
                // Another driver decided and cleaned up while this one was placing holds, so this one may have
                // recorded a link again after that cleanup: settle the links once more (every step is idempotent).
                await phases.ReleaseAsync(current, cancellationToken);
            }

            chain = current;
        }

        if (chain.State == TransferState.Committing)
        {
            await phases.PostAsync(chain, cancellationToken);
            chain = await FollowAsync(await transfers.SwapChainAsync(chain, chain with { State = TransferState.Applied }, cancellationToken), cancellationToken);
        }

        if (chain is { State: TransferState.Failed, CleanedUp: false })
        {
            await phases.ReleaseAsync(chain, cancellationToken);
            chain = await FollowAsync(await transfers.SwapChainAsync(chain, chain with { CleanedUp = true }, cancellationToken), cancellationToken);
        }

        return chain;
    }

    /// <summary>After a swap: the chain as stored, driven on from there if another attempt changed it first.</summary>
    private async Task<ChainDocument> FollowAsync((bool Won, ChainDocument Current) swap, CancellationToken cancellationToken) =>
        swap.Won ? swap.Current : await DriveChainAsync(swap.Current, cancellationToken);

    /// <summary>
    /// A link found in flight (by a retry or recovery) is finished by finishing its chain. A link of a chain that failed
    /// and was cleaned up before this link was recorded (by a driver that was late) is settled by cleaning up again.
    /// </summary>
    public async Task<TransferResult> ExecuteLinkAsync(TransferDocument link, CancellationToken cancellationToken)
    {
        var chain = await transfers.ReadChainAsync(link.ChainId!, cancellationToken)
            ?? throw new InvalidOperationException($"Link {link.Id} names chain {link.ChainId}, which does not exist.");
        var cleanedBefore = chain is { State: TransferState.Failed, CleanedUp: true };
        chain = await DriveChainAsync(chain, cancellationToken);
        if (cleanedBefore)
        {
            await phases.ReleaseAsync(chain, cancellationToken);
        }

        var index = Array.FindIndex(chain.Links, l => l.Id.ToString() == link.Id);
        return chain.State == TransferState.Applied ? TransferResult.Ok
            : index == chain.FailedLink ? ResultText.ParseTransferResult(chain.Failure!) : TransferResult.LinkedEventFailed;
    }
}
