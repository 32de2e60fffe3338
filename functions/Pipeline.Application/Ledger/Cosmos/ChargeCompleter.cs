using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Pipeline.Application.Ledger.Cosmos;

/// <summary>
/// The background side of charges in one process: a queue of charges whose callers have kept their records, taken
/// in passes (everything queued, after a short gather) so that one batch credits many charges. A pass that fails
/// is logged and left to recovery, which completes every charge older than its threshold; nothing here is the only
/// copy of anything — the charge's record in the debit partition is.
/// </summary>
internal sealed class ChargeCompleter(Func<IReadOnlyList<ChargeDocument>, CancellationToken, Task<int>> completeAsync, ILogger logger)
{
    private readonly Channel<ChargeDocument> queue = Channel.CreateUnbounded<ChargeDocument>(new UnboundedChannelOptions { SingleReader = true });
    private int started;

    public void Enqueue(ChargeDocument charge)
    {
        queue.Writer.TryWrite(charge);
        if (Interlocked.Exchange(ref started, 1) == 0)
        {
            _ = Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        while (await queue.Reader.WaitToReadAsync())
        {
            await Task.Delay(LedgerLimits.ChargeGatherDelay);
            var pass = new List<ChargeDocument>();
            while (pass.Count < LedgerLimits.ChargeCompletionsPerPassMax && queue.Reader.TryRead(out var charge))
            {
                pass.Add(charge);
            }

            try
            {
                await completeAsync(pass, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Completing {Charges} charges failed; recovery will complete them", pass.Count);
            }
        }
    }
}

/// <summary>What the Cosmos ledger needs for charges besides its database.</summary>
/// <param name="Recorder">Keeps a charge's memo when its caller died before doing so (see <see cref="IChargeRecorder"/>).</param>
/// <param name="BulkDatabase">
/// The same database through a client with bulk execution on: the completer's transfer documents and record
/// deletions, one per charge in different partitions, then travel many to a request. Null uses the main client.
/// </param>
public sealed record ChargeSettings(IChargeRecorder Recorder, Microsoft.Azure.Cosmos.Database? BulkDatabase, ILogger Logger)
{
    public static ChargeSettings Default { get; } = new(new NoRecorder(), null, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    /// <summary>For callers that charge without memos; a memo met without a recorder is a wiring mistake.</summary>
    private sealed class NoRecorder : IChargeRecorder
    {
        public Task<bool> RecordAsync(string memo, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A charge carries a memo but this ledger store has no IChargeRecorder.");
    }
}
