namespace Pipeline.Application.Http;

/// <summary>Who may call a route.</summary>
public enum Access
{
    Anyone,
    Admin,
    Merchant,

    /// <summary>A merchant (its own data) or the admin (any merchant's, named in the request).</summary>
    MerchantOrAdmin,

    /// <summary>Signed by a registered device (X-Device-* headers).</summary>
    Device,

    /// <summary>Signed by the collecting bank (X-Bank-Signature, with the bank's secret from the settings).</summary>
    Bank,
}

/// <summary>
/// One route of the public API: both hosts (the Functions app and the local host) serve exactly the routes of
/// <see cref="Composition.ApiRoutes.All"/>, each through <see cref="Composition.Api.DispatchAsync"/>, so they cannot drift apart.
/// </summary>
/// <param name="Name">The function name on Azure.</param>
/// <param name="Template">The path below /api, e.g. "v1/merchants/{id}/pricing".</param>
/// <param name="RequestType">The JSON body it reads, for the OpenAPI document; null when it reads none.</param>
/// <param name="ResponseType">The JSON body of its success answer, for the OpenAPI document.</param>
public sealed record ApiRoute(string Name, string Method, string Template, Access Access, string Summary,
    Func<ApiRequest, Task<ApiResponse>> Handle, Type? RequestType, Type? ResponseType)
{
    private readonly RouteTemplate template = new(Template);

    public string Path => "/api/" + Template;

    /// <summary>The status of success, as the OpenAPI document states it: 201 for a POST that creates, unless set.</summary>
    public int SuccessStatus { get; init; } = Method == "POST" ? StatusCodes.Status201Created : StatusCodes.Status200OK;

    /// <summary>The largest body it takes (413 beyond): <see cref="ApiLimits.BodyBytesMax"/> unless a route takes files (bank statements).</summary>
    public int BodyBytesMax { get; init; } = ApiLimits.BodyBytesMax;

    /// <summary>Whether its caller signs the raw body (devices, the bank): the body is read before authentication. Others authenticate first.</summary>
    public bool SignedOverBody => Access is Access.Device or Access.Bank;

    /// <summary>The query parameters it reads, for the OpenAPI document.</summary>
    public IReadOnlyList<QueryParameter> Query { get; init; } = [];

    /// <summary>Whether a body must be sent: not when every field of the request type is optional.</summary>
    public bool RequiresBody => RequestType?.GetConstructors().Any(c => c.GetParameters().Any(p => !p.HasDefaultValue)) ?? false;

    /// <summary>The route's parameters if <paramref name="path"/> (below /api/) matches it; null otherwise.</summary>
    public IReadOnlyDictionary<string, string>? Match(string path) => template.Match(path);
}

/// <summary>A query parameter as the OpenAPI document states it: an integer within bounds, or a string (one of <paramref name="Values"/> if given).</summary>
public sealed record QueryParameter(string Name, string Description, int? Minimum = null, int? Maximum = null, IReadOnlyList<string>? Values = null)
{
    public bool IsInteger => Minimum is not null;
}
