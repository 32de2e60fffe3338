using Pipeline.Application.Charging.Sessions;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Charging;
using Pipeline.Application.Collection;
using Pipeline.Application.Collection.Statements;
using Pipeline.Application.Devices;
using Pipeline.Application.Events;
using Pipeline.Application.Idempotency;
using Pipeline.Application.Ledger.Cosmos;
using Pipeline.Application.Merchants;
using Pipeline.Application.Payments;
using Pipeline.Application.Settlement;
using Pipeline.Application.Wallets;
using Pipeline.Application.Webhooks;

namespace Pipeline.Application.Composition;

/// <summary>
/// Every Cosmos DB container the code uses, with its partition key path. infra/ must declare each with the same
/// name and key (checked against the compiled Bicep by the settings contract test), and the local host creates
/// them on the emulator from this list.
/// </summary>
public static class CosmosContainerCatalog
{
    public static IReadOnlyList<ContainerProperties> All { get; } =
    [
        LedgerContainers.AccountsProperties(),
        LedgerContainers.TransfersProperties(),
        IdempotencyStore.ContainerProperties(),
        .. MerchantStore.ContainerProperties(),
        DeviceStore.ContainerProperties(),
        SignatureReplayGuard.ContainerProperties(),
        WalletStore.ContainerProperties(),
        PaymentStore.ContainerProperties(),
        SettlementStore.ContainerProperties(),
        SettlementRuns.ContainerProperties(),
        CollectionStore.ContainerProperties(),
        BankCredits.ContainerProperties(),
        ReconciliationExceptions.ContainerProperties(),
        StatementImport.ContainerProperties(),
        VirtualAccounts.ContainerProperties(),
        EventLog.ContainerProperties(),
        RelayCursor.ContainerProperties(),
        WebhookEndpointStore.ContainerProperties(),
        WebhookDelivery.ContainerProperties(),
        TariffStore.ContainerProperties(),
        ChargingStationStore.ContainerProperties(),
        ChargingTokenStore.ContainerProperties(),
        ChargingSessionStore.ContainerProperties(),
    ];

    /// <summary>Creates every container that does not exist yet.</summary>
    public static async Task CreateIfNotExistsAsync(Database database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        foreach (var container in All)
        {
            await database.CreateContainerIfNotExistsAsync(container, cancellationToken: cancellationToken);
        }
    }
}
