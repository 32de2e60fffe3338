using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pipeline.Domain.Ledgers;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// The background side of charges in one process: a bounded queue of charges to credit, taken in passes (everything
/// queued, after a short gather) so that one batch credits many charges. Each is either a charge this process made
/// (its record known) or one to look up first (a retry met a charge an earlier attempt made). Nothing here is the
/// only copy of anything — the charge's record in the debit partition is — so a charge the full queue refuses, a
/// pass that fails, or a process that dies mid-pass is left to recovery, which completes every charge older than
/// its threshold. The host owns the loop: <see cref="DrainAsync"/> at shutdown finishes what is queued.
/// </summary>
internal sealed class ChargeCompleter
{
    private readonly Func<IReadOnlyList<ChargeDocument>, CancellationToken, Task<int>> completeAsync;
    private readonly Func<Transfer, CancellationToken, Task<ChargeDocument?>> lookUpAsync;
    private readonly ILogger logger;
    private readonly Channel<QueuedCharge> queue;
    private readonly Lock starting = new();
    private Task? running;

    /// <param name="capacity">Charges queued at most; beyond it they are left to recovery.</param>
    public ChargeCompleter(
        Func<IReadOnlyList<ChargeDocument>, CancellationToken, Task<int>> completeAsync,
        Func<Transfer, CancellationToken, Task<ChargeDocument?>> lookUpAsync,
        ILogger logger,
        int capacity = LedgerLimits.ChargesQueuedMax)
    {
        this.completeAsync = completeAsync;
        this.lookUpAsync = lookUpAsync;
        this.logger = logger;
        queue = Channel.CreateBounded<QueuedCharge>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>A charge this process made, to credit. False when it is left to recovery (queue full or drained).</summary>
    public bool Enqueue(ChargeDocument charge) => Queue(new QueuedCharge(charge, null));

    /// <summary>A charge made by an earlier attempt: its record is read first, and credited if still owed.</summary>
    public bool EnqueueLookUp(Transfer transfer) => Queue(new QueuedCharge(null, transfer));

    /// <summary>Stops taking charges and finishes the queued ones (until <paramref name="cancellationToken"/>: the rest go to recovery).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        Task loop;
        lock (starting)
        {
            // Started here if nothing started it: a charge written just before the queue closed is still taken.
            loop = running ??= RunAsync();
        }

        await loop.WaitAsync(cancellationToken);
    }

    private bool Queue(QueuedCharge charge)
    {
        if (!queue.Writer.TryWrite(charge))
        {
            logger.LogDebug("Charge queue full or drained; recovery completes {TransferId}", charge.Known?.Id ?? charge.LookUp!.Value.Id.ToString());
            return false;
        }

        lock (starting)
        {
            running ??= RunAsync();
        }

        return true;
    }

    private async Task RunAsync()
    {
        await Task.Yield();
        while (await queue.Reader.WaitToReadAsync())
        {
            await Task.Delay(LedgerLimits.ChargeGatherDelay);
            var pass = new List<QueuedCharge>();
            while (pass.Count < LedgerLimits.ChargeCompletionsPerPassMax && queue.Reader.TryRead(out var charge))
            {
                pass.Add(charge);
            }

            try
            {
                await completeAsync(await RecordsOfAsync(pass), CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Completing {Charges} charges failed; recovery will complete them", pass.Count);
            }
        }
    }

    /// <summary>The records of a pass: known ones as they are, the others read (a charge no longer owed has none).</summary>
    private async Task<IReadOnlyList<ChargeDocument>> RecordsOfAsync(List<QueuedCharge> pass)
    {
        var records = new List<ChargeDocument>(pass.Count);
        foreach (var charge in pass)
        {
            if (charge.Known is { } known)
            {
                records.Add(known);
            }
            else if (await LookUpAsync(charge.LookUp!.Value) is { } found)
            {
                records.Add(found);
            }
        }

        return records;
    }

    /// <summary>One look-up that fails (a throttled read) leaves that charge to recovery, not the whole pass.</summary>
    private async Task<ChargeDocument?> LookUpAsync(Transfer transfer)
    {
        try
        {
            return await lookUpAsync(transfer, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Charge {TransferId}: its record could not be read; recovery will complete it", transfer.Id);
            return null;
        }
    }

    private readonly record struct QueuedCharge(ChargeDocument? Known, Transfer? LookUp);
}
