using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Charging.Sessions;
using Pipeline.Application.Composition;
using Pipeline.Application.Durable;

namespace Pipeline.Functions;

/// <summary>
/// Charging sessions on Azure: the stations' transaction events (the function hands its Durable client to the services
/// that start and wake session orchestrations), and the Durable wrappers around the session orchestration.
/// </summary>
public sealed class ChargingFunctions(SessionFinalizer finalizer)
{
    [Function("PostTransactionEvent")]
    public Task<IResult> PostTransactionEvent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/charging/stations/{stationId}/transaction-events")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.RequestServices.GetRequiredService<DurableClientSlot>().Client ??= client;
        return Api.DispatchAsync(request.HttpContext, SessionRoutes.TransactionEvent);
    }

    [Function("GetChargingSession")]
    public Task<IResult> GetChargingSession([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/charging/sessions/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, SessionRoutes.Get);

    [Function("ListChargingSessions")]
    public Task<IResult> ListChargingSessions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/charging/sessions")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, SessionRoutes.List);

    [Function(nameof(ChargingSessionOrchestrator))]
    public Task<bool> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ChargingSessionOrchestrator().RunAsync(context, context.GetInput<SessionWork>()
            ?? throw new InvalidOperationException("A session orchestration is started with its session (the first transaction event)."));

    [Function(nameof(CheckSessionActivity))]
    public Task<SessionCheck> Check([ActivityTrigger] SessionWork work) => finalizer.CheckAsync(work, CancellationToken.None);
}
