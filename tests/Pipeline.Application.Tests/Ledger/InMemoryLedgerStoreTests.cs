using Pipeline.Application.Ledger;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>The contract against the core itself: the reference the Cosmos store is held to.</summary>
public sealed class InMemoryLedgerStoreTests : LedgerStoreContract
{
    protected override Task<ILedgerStore> CreateStoreAsync(TimeProvider time) => Task.FromResult<ILedgerStore>(new InMemoryLedgerStore(time));
}
