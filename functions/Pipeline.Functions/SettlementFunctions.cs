using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Application.Composition;
using Pipeline.Application.Durable;
using Pipeline.Application.Settlement;

namespace Pipeline.Functions;

/// <summary>
/// Settlement on Azure: its routes (the run route hands its Durable client over to start the run), the Durable wrappers around
/// the shared run orchestration and activities, and the daily timer (every 15 minutes it makes sure the previous day's
/// run has started once Pipeline:Settlement:DailyRunAtUtc has passed; the run's id is derived from its date).
/// </summary>
public sealed class SettlementFunctions(MerchantSettler settler, SettlementRuns runs, IOptions<SettlementOptions> options, TimeProvider time)
{
    [Function("StartSettlementRun")]
    public Task<IResult> StartRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/settlements/runs")] HttpRequest request, [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.RequestServices.GetRequiredService<DurableClientSlot>().Client ??= client;
        return Api.DispatchAsync(request.HttpContext, SettlementRoutes.StartRun);
    }

    [Function("SetMerchantSettlementSettings")]
    public Task<IResult> SetMerchantSettlementSettings([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/merchants/{id}/settlement-settings")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, SettlementSettingsRoutes.SetSettings);

    [Function("SetMerchantPayoutAccount")]
    public Task<IResult> SetMerchantPayoutAccount([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/merchants/{id}/payout-account")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, SettlementSettingsRoutes.SetPayoutAccount);

    [Function("GetSettlementRun")]
    public Task<IResult> GetSettlementRun([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/settlements/runs/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, SettlementRoutes.GetRun);

    [Function("ListSettlements")]
    public Task<IResult> ListSettlements([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/settlements")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, SettlementRoutes.List);

    [Function("GetSettlement")]
    public Task<IResult> GetSettlement([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/settlements/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, SettlementRoutes.Get);

    [Function("GetPayout")]
    public Task<IResult> GetPayout([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/payouts/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, PayoutRoutes.Get);

    [Function("GetPayoutPain001")]
    public Task<IResult> GetPayoutPain001([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/payouts/{id}/pain001")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, PayoutRoutes.Pain001);

    [Function("ReturnPayout")]
    public Task<IResult> ReturnPayout([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/payouts/{id}/returned")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, PayoutRoutes.Return);

    [Function(nameof(SettlementRunOrchestrator))]
    public Task<SettlementRunTotals> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new SettlementRunOrchestrator().RunAsync(context, context.GetInput<SettlementRunInput>()
            ?? throw new InvalidOperationException("A settlement run is started with its input (SettlementRuns.StartAsync)."));

    [Function(nameof(ListMerchantsActivity))]
    public Task<MerchantPage> ListMerchants([ActivityTrigger] string? continuation) => runs.MerchantPageAsync(continuation, CancellationToken.None);

    [Function(nameof(SettleMerchantsActivity))]
    public Task<SettlementRunTotals> SettleMerchants([ActivityTrigger] SettleBatch batch) => settler.SettleBatchAsync(batch, CancellationToken.None);

    [Function(nameof(CompleteRunActivity))]
    public async Task<bool> CompleteRun([ActivityTrigger] RunCompletion completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        await runs.CompleteAsync(completion.RunId, completion.Totals, CancellationToken.None);
        return true;
    }

    [Function("EnsureDailySettlementRun")]
    public Task EnsureDailyRun([TimerTrigger("0 */15 * * * *", RunOnStartup = false)] TimerInfo timer, [DurableClient] DurableTaskClient client) =>
        SettlementScheduler.EnsureDailyRunAsync(client, runs, options.Value, time, CancellationToken.None);
}
