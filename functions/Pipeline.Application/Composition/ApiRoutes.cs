using Pipeline.Application.Charging.Sessions;
using Pipeline.Application.Charging;
using Pipeline.Application.Collection;
using Pipeline.Application.Collection.Statements;
using Pipeline.Application.Devices;
using Pipeline.Application.Events;
using Pipeline.Application.Health;
using Pipeline.Application.Http;
using Pipeline.Application.Ledger;
using Pipeline.Application.Merchants;
using Pipeline.Application.Payments;
using Pipeline.Application.Settlement;
using Pipeline.Application.Wallets;
using Pipeline.Application.Webhooks;

namespace Pipeline.Application.Composition;

/// <summary>Every route of the public API. The local host maps exactly these; the Functions app has one trigger for each.</summary>
public static class ApiRoutes
{
    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        HealthRoutes.Health,
        OpenApiDocument.Route,
        MerchantRoutes.Create,
        MerchantRoutes.Me,
        MerchantRoutes.RotateKey,
        MerchantRoutes.SetPricing,
        SettlementSettingsRoutes.SetSettings,
        SettlementSettingsRoutes.SetPayoutAccount,
        DeviceRoutes.Register,
        DeviceRoutes.CheckIn,
        DeviceRoutes.RotateSecret,
        WalletRoutes.Create,
        WalletRoutes.Get,
        WalletRoutes.TopUp,
        WalletRoutes.Entries,
        WalletRoutes.Transfer,
        PaymentRoutes.Create,
        PaymentRoutes.List,
        PaymentRoutes.Get,
        PaymentRoutes.Capture,
        PaymentRoutes.Increment,
        PaymentRoutes.Cancel,
        PaymentRoutes.Refund,
        LedgerRoutes.Account,
        LedgerRoutes.Transfer,
        LedgerRoutes.Audit,
        EventRoutes.List,
        EventRoutes.Get,
        WebhookEndpointRoutes.Create,
        WebhookEndpointRoutes.List,
        WebhookEndpointRoutes.Get,
        WebhookEndpointRoutes.Update,
        WebhookEndpointRoutes.Delete,
        WebhookEndpointRoutes.RotateSecret,
        DeliveryRoutes.List,
        DeliveryRoutes.Redeliver,
        TariffRoutes.Put,
        TariffRoutes.Get,
        TariffRoutes.List,
        TariffRoutes.Price,
        ChargingRoutes.PutStation,
        ChargingRoutes.GetStation,
        ChargingRoutes.CreateToken,
        ChargingRoutes.GetToken,
        ChargingRoutes.BlockToken,
        ChargingRoutes.UnblockToken,
        SessionRoutes.TransactionEvent,
        SessionRoutes.Get,
        SessionRoutes.List,
        SettlementRoutes.StartRun,
        SettlementRoutes.GetRun,
        SettlementRoutes.List,
        SettlementRoutes.Get,
        PayoutRoutes.Get,
        PayoutRoutes.Pain001,
        PayoutRoutes.Return,
        CollectionRoutes.Create,
        CollectionRoutes.Get,
        CollectionRoutes.List,
        CollectionRoutes.Cancel,
        BankCreditRoutes.Receive,
        ReconciliationRoutes.List,
        ReconciliationRoutes.Get,
        ReconciliationRoutes.Resolve,
        ReconciliationRoutes.RefundPain001,
        StatementRoutes.Import,
        StatementRoutes.Get,
    ];
}
