using Pipeline.Application.Http;

namespace Pipeline.Application.Webhooks;

/// <summary>Webhook endpoints: where a merchant's events are POSTed, signed (docs/EVENTS.md).</summary>
public static class WebhookEndpointRoutes
{
    public const string UrlNotAllowed = "url_not_allowed";
    public const string TooManyEndpoints = "too_many_endpoints";

    public static readonly ApiRoute Create = new("CreateWebhookEndpoint", "POST", "v1/webhook-endpoints", Access.Merchant,
        "Adds an endpoint events are sent to. The response holds its signing secret, shown only this once (a replay of the Idempotency-Key "
        + $"answers without it). https and a public address only (422 {UrlNotAllowed}); at most {WebhookLimits.EndpointsPerMerchantMax} endpoints.",
        CreateAsync, typeof(CreateWebhookEndpointRequest), typeof(CreatedWebhookEndpoint));

    public static readonly ApiRoute List = new("ListWebhookEndpoints", "GET", "v1/webhook-endpoints", Access.Merchant,
        "Every endpoint of the merchant, oldest first.", ListAsync, null, typeof(WebhookEndpointsList));

    public static readonly ApiRoute Get = new("GetWebhookEndpoint", "GET", "v1/webhook-endpoints/{id}", Access.Merchant,
        "One endpoint (never its secret).", GetAsync, null, typeof(WebhookEndpointView));

    public static readonly ApiRoute Update = new("UpdateWebhookEndpoint", "PATCH", "v1/webhook-endpoints/{id}", Access.Merchant,
        "Changes the URL, the event types, the description or the status (enabled, disabled) of an endpoint; fields left out stay.",
        UpdateAsync, typeof(UpdateWebhookEndpointRequest), typeof(WebhookEndpointView));

    public static readonly ApiRoute Delete = new("DeleteWebhookEndpoint", "DELETE", "v1/webhook-endpoints/{id}", Access.Merchant,
        "Deletes an endpoint: nothing more is sent to it, and its pending deliveries are canceled.", DeleteAsync, null, typeof(DeletedWebhookEndpoint));

    public static readonly ApiRoute RotateSecret = new("RotateWebhookSecret", "POST", "v1/webhook-endpoints/{id}/secret-rotations", Access.Merchant,
        "Issues a new signing secret, shown only this once. The previous one keeps signing alongside (a second v1= in Pipeline-Signature) for "
        + "previousValidForSeconds (24 hours by default, 0 to end it at once), so the receiver can switch without missing an event.",
        RotateSecretAsync, typeof(RotateWebhookSecretRequest), typeof(RotatedWebhookSecret));

    /// <summary>What a replay of a response with a signing secret says instead of the secret.</summary>
    internal static string SecretNotice(string endpointId) =>
        $"The secret is shown only once, in the first response. Get a new one with POST /api/v1/webhook-endpoints/{endpointId}/secret-rotations.";

    private static async Task<ApiResponse> CreateAsync(ApiRequest request)
    {
        if (request.TryRead<CreateWebhookEndpointRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var store = request.Service<WebhookEndpointStore>();
        if (store.UrlRefusal(body.Url) is { } refusal)
        {
            return UrlRefused(refusal);
        }

        var created = await store.CreateAsync(request.Caller.MerchantId!, body.Url, [.. body.Events.Distinct(StringComparer.Ordinal)], body.Description, request.IdempotencyKey, request.Aborted);
        return created is null
            ? ApiResponse.Problem(StatusCodes.Status409Conflict, TooManyEndpoints, $"A merchant has at most {WebhookLimits.EndpointsPerMerchantMax} endpoints; delete one first.")
            : ApiResponse.Created(new CreatedWebhookEndpoint(created.Endpoint.ToView(), created.Secret));
    }

    private static async Task<ApiResponse> ListAsync(ApiRequest request) =>
        ApiResponse.Ok(new WebhookEndpointsList([.. (await request.Service<WebhookEndpointStore>().ListAsync(request.Caller.MerchantId!, request.Aborted)).Select(e => e.ToView())]));

    private static async Task<ApiResponse> GetAsync(ApiRequest request) =>
        await request.Service<WebhookEndpointStore>().GetAsync(request.Caller.MerchantId!, request.Route("id"), request.Aborted) is { } endpoint
            ? ApiResponse.Ok(endpoint.ToView())
            : NotFound();

    private static async Task<ApiResponse> UpdateAsync(ApiRequest request)
    {
        if (request.TryRead<UpdateWebhookEndpointRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var store = request.Service<WebhookEndpointStore>();
        if (body.Url is not null && store.UrlRefusal(body.Url) is { } refusal)
        {
            return UrlRefused(refusal);
        }

        var updated = await store.UpdateAsync(request.Caller.MerchantId!, request.Route("id"), body.Apply, request.Aborted);
        return updated is null ? NotFound() : ApiResponse.Ok(updated.ToView());
    }

    private static async Task<ApiResponse> DeleteAsync(ApiRequest request)
    {
        var id = request.Route("id");
        return await request.Service<WebhookEndpointStore>().DeleteAsync(request.Caller.MerchantId!, id, request.Aborted)
            ? ApiResponse.Ok(new DeletedWebhookEndpoint(id, true))
            : NotFound();
    }

    private static async Task<ApiResponse> RotateSecretAsync(ApiRequest request)
    {
        if (request.TryReadOptional(new RotateWebhookSecretRequest(), out var body) is { } problem)
        {
            return problem;
        }

        var rotated = await request.Service<WebhookEndpointStore>().RotateSecretAsync(request.Caller.MerchantId!, request.Route("id"), body.OverlapOrDefault(), request.Aborted);
        return rotated is null
            ? NotFound()
            : ApiResponse.Created(new RotatedWebhookSecret(rotated.Endpoint.Id, rotated.Secret, rotated.Endpoint.ToView().PreviousSecretValidUntil));
    }

    private static ApiResponse UrlRefused(string detail) =>
        ApiResponse.Invalid(StatusCodes.Status422UnprocessableEntity, UrlNotAllowed, detail, new Dictionary<string, string[]> { ["url"] = [detail] });

    private static ApiResponse NotFound() => ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No webhook endpoint of yours has this id.");
}
