using Microsoft.Extensions.Logging;

namespace Pipeline.Application.Ledger.Cosmos;

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
