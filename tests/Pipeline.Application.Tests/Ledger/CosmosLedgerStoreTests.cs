using Pipeline.Application.Ledger;
using Pipeline.Application.Ledger.Cosmos;

namespace Pipeline.Application.Tests.Ledger;

/// <summary>The contract against the Cosmos DB store on the local emulator, with the real SDK.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosLedgerStoreTests(CosmosFixture cosmos) : LedgerStoreContract
{
    protected override async Task<ILedgerStore> CreateStoreAsync(TimeProvider time) =>
        new CosmosLedgerStore(await cosmos.CreateLedgerDatabaseAsync(), time);
}
