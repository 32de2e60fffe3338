using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;
using static Pipeline.Application.Ledger.Cosmos.LedgerKeys;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// Posts, voids and expiries of holds. The hold's document is the point of serialisation (see
/// <see cref="ExecuteResolveAsync"/>); expiry is a void the ledger makes itself, with an id derived from the hold's.
/// </summary>
internal sealed class HoldResolution(
    TransferProtocol protocol, AccountDocuments accounts, TransferDocuments transfers, PartitionWriter writer, TimeProvider time, ILedgerFaults faults, ILogger logger)
{
    /// <summary>
    /// A post, void or expiry. The hold document is the point of serialisation: the first resolver to swap its
    /// state from pending to posted/voided/expired (naming itself) owns it; every other resolver then fails with
    /// the core's code. After the claim the resolver commits its own document, then applies both sides, which
    /// can no longer be refused (the hold already counted against every limit).
    /// </summary>
    public async Task<TransferResult> ExecuteResolveAsync(TransferDocument document, CancellationToken cancellationToken)
    {
        if (document.State == TransferState.InFlight)
        {
            var claim = await ClaimHoldAsync(document, cancellationToken);
            if (claim.Refusal != TransferResult.Ok)
            {
                return await protocol.FailAsync(document, claim.Refusal, cancellationToken);
            }

            await faults.AfterAsync(LedgerStep.HoldClaimed, document.Request.Id);
            var (won, current) = await transfers.SwapAsync(document, Committing(document, claim.Hold!), cancellationToken);
            if (!won && current.State == TransferState.Failed)
            {
                await ReleaseClaimAsync(claim.Hold!, document.Id, cancellationToken);
                return ResultText.ParseTransferResult(current.Failure!);
            }

            document = current;
            await faults.AfterAsync(LedgerStep.Committed, document.Request.Id);
        }

        return await ApplyResolutionAsync(document, cancellationToken);
    }

    private async Task<TransferResult> ApplyResolutionAsync(TransferDocument document, CancellationToken cancellationToken)
    {
        var request = document.Request;
        var isPost = (request.Flags & TransferFlags.PostPending) != 0;
        var debit = ParseId(document.DebitAccountId!);
        var credit = ParseId(document.CreditAccountId!);
        var creditMain = await accounts.ReadCachedAsync(AccountPartition(credit, 0), cancellationToken)
            ?? throw new InvalidOperationException($"Hold {request.PendingId} credits account {credit}, which does not exist.");
        var creditPartition = AccountPartition(credit, CreditShard(request.PendingId, creditMain.Shards));
        var (amount, released) = (document.AmountMinor, document.ReleasedMinor);
        var kind = document.IsExpiry ? "expire" : isPost ? "post" : "void";
        var debitSide = new Side(AccountPartition(debit, 0), EntryId(request.Id), kind, IsDebit: true, request.Id,
            a => (TransferResult.Ok, a.Debit(-released, pending: true).Debit(isPost ? amount : 0, pending: false)));
        var creditSide = new Side(creditPartition, EntryId(request.Id), kind, IsDebit: false, request.Id,
            a => (TransferResult.Ok, a.Credit(-released, pending: true).Credit(isPost ? amount : 0, pending: false)));
        foreach (var (side, step) in new[] { (debitSide, LedgerStep.DebitApplied), (creditSide, LedgerStep.CreditApplied) })
        {
            var (outcome, _) = await writer.ApplyAsync(side, cancellationToken);
            if (outcome is not (SideOutcome.Applied or SideOutcome.AlreadyApplied))
            {
                throw new InvalidOperationException($"Resolving a claimed hold was {outcome} on {side.Partition}.");
            }

            await faults.AfterAsync(step, request.Id);
        }

        return await protocol.CompleteAsync(document, debit, credit, amount, released, cancellationToken);
    }

    /// <summary>
    /// Swaps the hold from pending to resolved-by-this-transfer, re-checking the rules on every attempt. A hold that
    /// another resolver has claimed but not yet committed is not judged on that claim: the claim is settled first
    /// (that resolver committed, or its claim given back), so nothing — an expiry above all — is refused or decided
    /// on a claim that may still be withdrawn.
    /// </summary>
    private async Task<(TransferResult Refusal, TransferDocument? Hold)> ClaimHoldAsync(TransferDocument document, CancellationToken cancellationToken)
    {
        var request = document.Request;
        for (var attempt = 0; attempt < Contention.AttemptsMax; attempt++)
        {
            var hold = await transfers.ReadAsync(request.PendingId, cancellationToken);
            if (hold is { State: TransferState.InFlight or TransferState.Committing })
            {
                await protocol.ExecuteAsync(hold, cancellationToken);
                continue;
            }

            if (hold is null || hold.State == TransferState.Failed)
            {
                return (TransferResult.PendingTransferNotFound, null);
            }

            if (hold.ResolvedBy == document.Id)
            {
                return (TransferResult.Ok, hold);
            }

            if (hold.ResolvedBy is { } resolver && await SettleClaimAsync(hold, resolver, cancellationToken))
            {
                continue;
            }

            var refusal = CheckHold(document, hold);
            if (refusal == TransferResult.Ok && !document.IsExpiry && IsDue(hold))
            {
                // Due but not yet swept: the core expires such holds before any batch, so expire it, then judge again.
                await ExpireHoldAsync(hold, cancellationToken);
                continue;
            }

            if (refusal != TransferResult.Ok)
            {
                return (refusal, null);
            }

            await faults.AfterAsync(LedgerStep.HoldRead, request.Id);
            var resolved = document.IsExpiry ? PendingState.Expired
                : (request.Flags & TransferFlags.PostPending) != 0 ? PendingState.Posted : PendingState.Voided;
            var (won, _) = await transfers.SwapAsync(hold, hold with { HoldState = resolved, ResolvedBy = document.Id }, cancellationToken);
            if (won)
            {
                return (TransferResult.Ok, hold);
            }
        }

        throw new LedgerContentionException(request.PendingId.ToString());
    }

    /// <summary>
    /// Brings another resolver's claim on the hold to its end: a resolver still in flight is driven (it owns the
    /// claim, so it commits), one that failed has its claim given back. True when the hold must be read again;
    /// false when the claim is final (its resolver committed).
    /// </summary>
    private async Task<bool> SettleClaimAsync(TransferDocument hold, string resolverId, CancellationToken cancellationToken)
    {
        var resolver = await transfers.ReadAsync(ParseId(resolverId), cancellationToken)
            ?? throw new InvalidOperationException($"Hold {hold.Id} is claimed by {resolverId}, which does not exist.");
        switch (resolver.State)
        {
            case TransferState.InFlight:
                await protocol.ExecuteAsync(resolver, cancellationToken);
                return true;
            case TransferState.Failed:
                await ReleaseClaimAsync(hold, resolverId, cancellationToken);
                return true;
            default:
                return false;
        }
    }

    private static TransferResult CheckHold(TransferDocument document, TransferDocument hold)
    {
        var record = hold.ToRecord();
        if (document.IsExpiry)
        {
            return record.State == PendingState.Pending ? TransferResult.Ok : TransferResult.PendingTransferExpired;
        }

        return TransferRules.CheckAgainstPending(document.Request, record, (document.Request.Flags & TransferFlags.PostPending) != 0);
    }

    private bool IsDue(TransferDocument hold) =>
        hold.ExpiresMicros != 0 && CosmosTime.ToTicks(hold.ExpiresMicros) <= time.GetUtcNow().UtcTicks;

    /// <summary>Gives a hold back after its resolver lost the race to commit (another attempt failed it first).</summary>
    private async Task ReleaseClaimAsync(TransferDocument hold, string resolverId, CancellationToken cancellationToken)
    {
        var current = await transfers.ReadAsync(ParseId(hold.Id), cancellationToken);
        if (current?.ResolvedBy == resolverId)
        {
            await transfers.SwapAsync(current, current with { HoldState = PendingState.Pending, ResolvedBy = null }, cancellationToken);
        }
    }

    private static TransferDocument Committing(TransferDocument document, TransferDocument hold)
    {
        var request = document.Request;
        var amount = request.Amount == Transfer.AmountOfPending || (request.Flags & TransferFlags.VoidPending) != 0
            ? hold.AmountMinor
            : request.Amount;
        return document with
        {
            State = TransferState.Committing,
            DebitAccountId = hold.DebitAccountId,
            CreditAccountId = hold.CreditAccountId,
            Currency = hold.Currency,
            AmountMinor = amount,
            ReleasedMinor = hold.AmountMinor,
        };
    }

    public async Task<int> ExpirePendingTransfersAsync(CancellationToken cancellationToken = default)
    {
        var query = new QueryDefinition(
            "SELECT * FROM c WHERE c.type = 'transfer' AND c.holdState = 'pending' AND c.expiresMicros > 0 "
            + $"AND c.expiresMicros <= {Numbers.Literal(CosmosTime.ToMicros(time.GetUtcNow()))}");
        var due = await transfers.Container.QueryAllAsync<TransferDocument>(query, null, cancellationToken);
        return await MaintenancePass.EachOnItsOwnAsync(logger, due, "hold", h => ParseId(h.Id), hold => ExpireHoldAsync(hold, cancellationToken));
    }

    /// <summary>Expires one hold through a transfer the ledger names itself (<see cref="LedgerKeys.ExpiryId"/>).</summary>
    private async Task<bool> ExpireHoldAsync(TransferDocument hold, CancellationToken cancellationToken)
    {
        var holdId = ParseId(hold.Id);
        var id = ExpiryId(hold.Id);
        var expiry = new TransferDocument
        {
            Id = id.ToString(),
            Request = new Transfer { Id = id, PendingId = holdId, Amount = Transfer.AmountOfPending, Flags = TransferFlags.VoidPending },
            IsExpiry = true,
            CreatedMicros = CosmosTime.ToMicros(time.GetUtcNow()),
        };
        try
        {
            expiry = (await transfers.Container.CreateItemAsync(expiry, Key(expiry.Id), cancellationToken: cancellationToken)).Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            expiry = await transfers.ReadAsync(id, cancellationToken)
                ?? throw new InvalidOperationException($"Expiry {id} conflicted on create but cannot be read.");
        }

        await faults.AfterAsync(LedgerStep.TransferRecorded, expiry.Request.Id);
        return await protocol.ExecuteAsync(expiry, cancellationToken) == TransferResult.Ok;
    }
}
