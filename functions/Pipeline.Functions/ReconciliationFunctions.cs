using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pipeline.Application.Collection;
using Pipeline.Application.Collection.Statements;
using Pipeline.Application.Composition;

namespace Pipeline.Functions;

/// <summary>The collecting bank's webhook, reconciliation exceptions and statements on Azure: the shared routes.</summary>
public sealed class ReconciliationFunctions
{
    [Function("ReceiveBankCredit")]
    public Task<IResult> ReceiveBankCredit([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/webhooks/bank/credits")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, BankCreditRoutes.Receive);

    [Function("ListReconciliationExceptions")]
    public Task<IResult> ListExceptions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/reconciliation/exceptions")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, ReconciliationRoutes.List);

    [Function("GetReconciliationException")]
    public Task<IResult> GetException([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/reconciliation/exceptions/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, ReconciliationRoutes.Get);

    [Function("ResolveReconciliationException")]
    public Task<IResult> ResolveException([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/reconciliation/exceptions/{id}/resolutions")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, ReconciliationRoutes.Resolve);

    [Function("GetExceptionRefundPain001")]
    public Task<IResult> GetRefundPain001([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/reconciliation/exceptions/{id}/refund-pain001")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, ReconciliationRoutes.RefundPain001);

    [Function("ImportStatement")]
    public Task<IResult> ImportStatement([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/statements")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, StatementRoutes.Import);

    [Function("GetStatement")]
    public Task<IResult> GetStatement([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/statements/{id}")] HttpRequest request) =>
        Api.DispatchAsync(request.HttpContext, StatementRoutes.Get);
}
