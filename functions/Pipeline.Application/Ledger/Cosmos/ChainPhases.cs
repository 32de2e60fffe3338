using System.Net;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>The phases of a chain: place every link as a hold; then post them all, or release them all.</summary>
internal sealed class ChainPhases(TransferProtocol protocol, AccountDocuments accounts, TransferDocuments transfers, PartitionWriter writer, ILedgerFaults faults)
{
    /// <summary>
    /// Phase one: record every link and place it as a hold, in order. Returns the first link that failed. In the
    /// core a link may spend what an earlier link of the same chain brought in; here those amounts are still
    /// pending, so each partition's limit check counts what earlier simple links of this chain will post to it.
    /// That is sound because the chain posts all of its holds or releases all of them.
    /// </summary>
    public async Task<(int FailedAt, TransferResult Failure)> PlaceHoldsAsync(ChainDocument chain, CancellationToken cancellationToken)
    {
        var incoming = new ChainFlows();
        for (var i = 0; i < chain.Links.Length; i++)
        {
            var link = chain.Links[i];
            // A link repeating an earlier link's id is judged against it, as the core judges it: the same transfer
            // exists (nothing more to place), any other is refused. It is never placed a second time.
            if (EarlierWithSameId(chain.Links, i) is { } earlier)
            {
                var repeated = TransferRules.CompareWithExisting(link, earlier);
                if (repeated == TransferResult.Exists)
                {
                    continue;
                }

                return (i, repeated);
            }

            var (own, refusal) = await RecordLinkAsync(chain, link, cancellationToken);
            if (refusal == TransferResult.Ok && own)
            {
                refusal = await PlaceLinkHoldAsync(chain, link, incoming, cancellationToken);
                await faults.AfterAsync(LedgerStep.LinkHeld, link.Id);
            }

            if (refusal != TransferResult.Ok)
            {
                return (i, refusal);
            }
        }

        return (-1, TransferResult.Ok);
    }

    /// <summary>
    /// Whether this chain must not drive <paramref name="otherChainId"/>, which owns a link id this chain wants: that
    /// chain is still placing its holds and comes later in a fixed order (ordinal ids). Driving it could make it meet
    /// one of this chain's links and drive this chain back, for ever. So a chain drives only chains earlier than
    /// itself; meeting a later one still undecided, it fails at the shared id (answered "exists", or how the two
    /// differ, so the id is not burnt).
    /// </summary>
    private async Task<bool> YieldsToAsync(ChainDocument chain, string otherChainId, CancellationToken cancellationToken) =>
        string.CompareOrdinal(otherChainId, chain.Id) > 0
        && (await transfers.ReadChainAsync(otherChainId, cancellationToken))?.State == TransferState.InFlight;

    public static Transfer? EarlierWithSameId(Transfer[] links, int index) =>
        Array.FindIndex(links, 0, index, l => l.Id == links[index].Id) is var at and >= 0 ? links[at] : null;

    /// <summary>
    /// Creates the link's transfer document, owned by the chain, in the core's order: a zero or reserved id is refused
    /// (and decides nothing); an id that already exists outside the chain is judged against it — the same transfer is a success
    /// with no effect, anything else fails the chain; only then are the link's own fields judged, and a link refused
    /// for them is owned, so the chain's cleanup records its id as failed (decided, as the core decides it).
    /// </summary>
    private async Task<(bool Own, TransferResult Refusal)> RecordLinkAsync(ChainDocument chain, Transfer link, CancellationToken cancellationToken)
    {
        if (link.Id.IsZero || link.Id.IsReserved)
        {
            return (false, link.Id.IsZero ? TransferResult.IdMustNotBeZero : TransferResult.IdIsReserved);
        }

        var document = new TransferDocument { Id = link.Id.ToString(), Request = link, ChainId = chain.Id, CreatedMicros = chain.CreatedMicros };
        for (var attempt = 0; attempt <= LedgerLimits.FreedIdAttemptsMax; attempt++)
        {
            try
            {
                await transfers.Container.CreateItemAsync(document, Key(document.Id), cancellationToken: cancellationToken);
                return (true, TransferProtocol.Validate(link));
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                var existing = await transfers.ReadAsync(link.Id, cancellationToken);
                if (existing?.ChainId == chain.Id)
                {
                    return (true, TransferProtocol.Validate(link));
                }

                if (existing?.ChainId is { } other && await YieldsToAsync(chain, other, cancellationToken))
                {
                    // The id is another undecided chain's: this chain fails here without burning it (see YieldsToAsync).
                    var comparison = TransferRules.CompareWithExisting(link, existing.Request);
                    return (false, comparison == TransferResult.Ok ? TransferResult.Exists : comparison);
                }

                // Null: the id was freed meanwhile (another failed chain's link, cleaned up); the create is tried again.
                if (existing is not null && await protocol.AnswerResubmissionAsync(link, cancellationToken) is { } answer)
                {
                    return (false, answer == TransferResult.Exists ? TransferResult.Ok : answer);
                }
            }
        }

        throw new LedgerContentionException(document.Id);
    }

    private async Task<TransferResult> PlaceLinkHoldAsync(ChainDocument chain, Transfer link, ChainFlows earlier, CancellationToken cancellationToken)
    {
        var debitPartition = AccountPartition(link.DebitAccountId, 0);
        var holdId = ChainEntryId(chain.Id, 'h', link.Id);
        var debit = await accounts.ReadCachedAsync(debitPartition, cancellationToken);
        var creditMain = await accounts.ReadCachedAsync(AccountPartition(link.CreditAccountId, 0), cancellationToken);
        var refusal = debit is null ? TransferResult.DebitAccountNotFound
            : creditMain is null ? TransferResult.CreditAccountNotFound
            : TransferRules.CheckCurrencyAndOpen(link, debit.ToAccount(), creditMain.ToAccount());
        if (refusal != TransferResult.Ok)
        {
            return refusal;
        }

        var creditPartition = AccountPartition(link.CreditAccountId, CreditShard(link.Id, creditMain!.Shards));
        var sides = new[]
        {
            new Side(debitPartition, holdId, "hold", IsDebit: true, link.Id, a =>
                a.Closed ? (TransferResult.DebitAccountClosed, a)
                : (TransferRules.CheckDebitSide(a.Credit(earlier.CreditsTo(debitPartition), pending: false), link.Amount), a.Debit(link.Amount, pending: true))),
            new Side(creditPartition, holdId, "hold", IsDebit: false, link.Id, a =>
                a.Closed ? (TransferResult.CreditAccountClosed, a)
                : (TransferRules.CheckCreditSide(a.Debit(earlier.DebitsFrom(creditPartition), pending: false), link.Amount), a.Credit(link.Amount, pending: true))),
        };
        foreach (var side in sides)
        {
            var (outcome, code) = await writer.ApplyAsync(side, cancellationToken);
            if (outcome is SideOutcome.Refused or SideOutcome.Fenced)
            {
                return code;
            }
        }

        if (!link.IsPending)
        {
            earlier.Add(debitPartition, creditPartition, link.Amount);
        }

        return TransferResult.Ok;
    }

    /// <summary>Phase two: post every simple link's hold (pending links stay holds) and mark each link applied.</summary>
    public async Task PostAsync(ChainDocument chain, CancellationToken cancellationToken)
    {
        foreach (var link in chain.Links)
        {
            var document = await transfers.ReadAsync(link.Id, cancellationToken);
            if (document is null || document.ChainId != chain.Id || document.State == TransferState.Applied)
            {
                continue;
            }

            if (!link.IsPending)
            {
                foreach (var side in await ChainSidesAsync(chain, link, 'p', "post", (a, isDebit) => isDebit
                    ? a.Debit(-link.Amount, pending: true).Debit(link.Amount, pending: false)
                    : a.Credit(-link.Amount, pending: true).Credit(link.Amount, pending: false), cancellationToken))
                {
                    await writer.ApplyAsync(side, cancellationToken);
                }
            }

            await protocol.CompleteAsync(document, link.DebitAccountId, link.CreditAccountId, link.Amount, 0, cancellationToken);
        }
    }

    /// <summary>
    /// After a failure: fences every link's hold on both sides (so no late attempt can place one), releases the
    /// holds that were placed, then settles the link documents — the failing link is failed (its id decided),
    /// the others are deleted, as the core forgets links that failed only because of another.
    /// </summary>
    public async Task ReleaseAsync(ChainDocument chain, CancellationToken cancellationToken)
    {
        var failure = ResultText.ParseTransferResult(chain.Failure!);
        var owned = new List<TransferDocument>();
        foreach (var link in chain.Links)
        {
            var document = await transfers.ReadAsync(link.Id, cancellationToken);
            if (document?.ChainId != chain.Id)
            {
                continue;
            }

            owned.Add(document);
            foreach (var release in await ChainSidesAsync(chain, link, 'v', "release", (a, isDebit) => isDebit
                ? a.Debit(-link.Amount, pending: true)
                : a.Credit(-link.Amount, pending: true), cancellationToken))
            {
                var holdId = ChainEntryId(chain.Id, 'h', link.Id);
                if (!await writer.FenceAsync(release.Partition, holdId, link.Id, TransferResult.LinkedEventFailed, cancellationToken))
                {
                    await writer.ApplyAsync(release, cancellationToken);
                }
            }
        }

        foreach (var document in owned.Where(d => d.State != TransferState.Failed))
        {
            if (document.Id == chain.Links[chain.FailedLink].Id.ToString() && ChainRunner.BurnsId(failure))
            {
                await transfers.SwapAsync(document, document with { State = TransferState.Failed, Failure = failure.Code() }, cancellationToken);
            }
            else
            {
                // Only the version read as this chain's: the id may have been freed and taken by a transfer since.
                await transfers.Container.DeleteIfExistsAsync<TransferDocument>(document.Id, document.Id, cancellationToken, ifMatch: document.ETag);
            }
        }
    }

    /// <summary>The debit and credit sides of a link for one phase; none where an account does not exist.</summary>
    private async Task<IReadOnlyList<Side>> ChainSidesAsync(ChainDocument chain, Transfer link, char phase, string kind,
        Func<Account, bool, Account> change, CancellationToken cancellationToken)
    {
        var creditMain = await accounts.ReadCachedAsync(AccountPartition(link.CreditAccountId, 0), cancellationToken);
        var debit = await accounts.ReadCachedAsync(AccountPartition(link.DebitAccountId, 0), cancellationToken);
        if (creditMain is null || debit is null)
        {
            return [];
        }

        var entryId = ChainEntryId(chain.Id, phase, link.Id);
        return
        [
            new Side(debit.Pk, entryId, kind, IsDebit: true, link.Id, a => (TransferResult.Ok, change(a, true))),
            new Side(AccountPartition(link.CreditAccountId, CreditShard(link.Id, creditMain.Shards)), entryId, kind, IsDebit: false, link.Id,
                a => (TransferResult.Ok, change(a, false))),
        ];
    }
}
