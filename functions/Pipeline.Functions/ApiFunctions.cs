using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Durable;
using Pipeline.Application.Composition;
using Pipeline.Application.Charging;
using Pipeline.Application.Devices;
using Pipeline.Application.Health;
using Pipeline.Application.Ledger;
using Pipeline.Application.Merchants;
using Pipeline.Application.Events;
using Pipeline.Application.Payments;
using Pipeline.Application.Wallets;
using Pipeline.Application.Webhooks;

namespace Pipeline.Functions;

/// <summary>
/// One HTTP trigger per route of <see cref="ApiRoutes.All"/>, each a one-line call into the shared dispatcher.
/// A test checks that these triggers and the route table name the same methods and paths.
/// </summary>
public sealed class ApiFunctions
{
    [Function("Health")]
    public Task<IResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/health")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, HealthRoutes.Health);

    [Function("OpenApi")]
    public Task<IResult> OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/openapi.json")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, OpenApiDocument.Route);

    [Function("CreateMerchant")]
    public Task<IResult> CreateMerchant([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/merchants")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, MerchantRoutes.Create);

    [Function("GetOwnMerchant")]
    public Task<IResult> GetOwnMerchant([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/merchants/me")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, MerchantRoutes.Me);

    [Function("RotateMerchantApiKey")]
    public Task<IResult> RotateMerchantApiKey([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/merchants/{id}/api-keys")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, MerchantRoutes.RotateKey);

    [Function("RegisterDevice")]
    public Task<IResult> RegisterDevice([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/devices")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, DeviceRoutes.Register);

    [Function("DeviceCheckIn")]
    public Task<IResult> DeviceCheckIn([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/devices/check-ins")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, DeviceRoutes.CheckIn);

    [Function("RotateDeviceSecret")]
    public Task<IResult> RotateDeviceSecret([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/devices/{id}/secret-rotations")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, DeviceRoutes.RotateSecret);

    [Function("SetMerchantPricing")]
    public Task<IResult> SetMerchantPricing([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/merchants/{id}/pricing")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, MerchantRoutes.SetPricing);

    [Function("CreateWallet")]
    public Task<IResult> CreateWallet([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/wallets")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, WalletRoutes.Create);

    [Function("GetWallet")]
    public Task<IResult> GetWallet([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/wallets/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, WalletRoutes.Get);

    [Function("TopUpWallet")]
    public Task<IResult> TopUpWallet([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/wallets/{id}/top-ups")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, WalletRoutes.TopUp);

    [Function("ListWalletEntries")]
    public Task<IResult> ListWalletEntries([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/wallets/{id}/entries")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, WalletRoutes.Entries);

    [Function("CreateTransfer")]
    public Task<IResult> CreateTransfer([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/transfers")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, WalletRoutes.Transfer);

    [Function("CreatePayment")]
    public Task<IResult> CreatePayment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/payments")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, PaymentRoutes.Create);

    [Function("ListPayments")]
    public Task<IResult> ListPayments([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/payments")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, PaymentRoutes.List);

    [Function("GetPayment")]
    public Task<IResult> GetPayment([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/payments/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, PaymentRoutes.Get);

    [Function("CapturePayment")]
    public Task<IResult> CapturePayment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/payments/{id}/capture")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, PaymentRoutes.Capture);

    [Function("IncrementPayment")]
    public Task<IResult> IncrementPayment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/payments/{id}/increment")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, PaymentRoutes.Increment);

    [Function("CancelPayment")]
    public Task<IResult> CancelPayment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/payments/{id}/cancel")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, PaymentRoutes.Cancel);

    [Function("RefundPayment")]
    public Task<IResult> RefundPayment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/payments/{id}/refunds")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, PaymentRoutes.Refund);

    [Function("GetLedgerAccount")]
    public Task<IResult> GetLedgerAccount([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/ledger/accounts/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, LedgerRoutes.Account);

    [Function("GetLedgerTransfer")]
    public Task<IResult> GetLedgerTransfer([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/ledger/transfers/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, LedgerRoutes.Transfer);

    [Function("GetLedgerAudit")]
    public Task<IResult> GetLedgerAudit([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/ledger/audit")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, LedgerRoutes.Audit);

    [Function("ListEvents")]
    public Task<IResult> ListEvents([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/events")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, EventRoutes.List);

    [Function("GetEvent")]
    public Task<IResult> GetEvent([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/events/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, EventRoutes.Get);

    [Function("CreateWebhookEndpoint")]
    public Task<IResult> CreateWebhookEndpoint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhook-endpoints")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, WebhookEndpointRoutes.Create);

    [Function("ListWebhookEndpoints")]
    public Task<IResult> ListWebhookEndpoints([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/webhook-endpoints")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, WebhookEndpointRoutes.List);

    [Function("GetWebhookEndpoint")]
    public Task<IResult> GetWebhookEndpoint([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/webhook-endpoints/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, WebhookEndpointRoutes.Get);

    [Function("UpdateWebhookEndpoint")]
    public Task<IResult> UpdateWebhookEndpoint([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/webhook-endpoints/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, WebhookEndpointRoutes.Update);

    [Function("DeleteWebhookEndpoint")]
    public Task<IResult> DeleteWebhookEndpoint([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/webhook-endpoints/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, WebhookEndpointRoutes.Delete);

    [Function("RotateWebhookSecret")]
    public Task<IResult> RotateWebhookSecret([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhook-endpoints/{id}/secret-rotations")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, WebhookEndpointRoutes.RotateSecret);

    [Function("ListWebhookDeliveries")]
    public Task<IResult> ListWebhookDeliveries([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/webhook-endpoints/{id}/deliveries")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, DeliveryRoutes.List);

    /// <summary>A redelivery wakes the endpoint's worker: this function hands its Durable client to the services that do.</summary>
    [Function("RedeliverEvent")]
    public Task<IResult> RedeliverEvent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/events/{id}/redeliveries")] HttpRequest request, [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.RequestServices.GetRequiredService<DurableClientSlot>().Client ??= client;
        return Api.DispatchAsync(request.HttpContext, DeliveryRoutes.Redeliver);
    }

    [Function("PutTariff")]
    public Task<IResult> PutTariff([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/tariffs/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, TariffRoutes.Put);

    [Function("GetTariff")]
    public Task<IResult> GetTariff([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/tariffs/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, TariffRoutes.Get);

    [Function("ListTariffs")]
    public Task<IResult> ListTariffs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/tariffs")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, TariffRoutes.List);

    [Function("PriceWithTariff")]
    public Task<IResult> PriceWithTariff([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/tariffs/{id}/price")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, TariffRoutes.Price);

    [Function("PutChargingStation")]
    public Task<IResult> PutChargingStation([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/charging/stations/{stationId}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, ChargingRoutes.PutStation);

    [Function("GetChargingStation")]
    public Task<IResult> GetChargingStation([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/charging/stations/{stationId}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, ChargingRoutes.GetStation);

    [Function("CreateChargingToken")]
    public Task<IResult> CreateChargingToken([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/charging/tokens")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, ChargingRoutes.CreateToken);

    [Function("GetChargingToken")]
    public Task<IResult> GetChargingToken([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/charging/tokens/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, ChargingRoutes.GetToken);

    [Function("BlockChargingToken")]
    public Task<IResult> BlockChargingToken([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/charging/tokens/{id}/block")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, ChargingRoutes.BlockToken);

    [Function("UnblockChargingToken")]
    public Task<IResult> UnblockChargingToken([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/charging/tokens/{id}/unblock")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, ChargingRoutes.UnblockToken);
}
