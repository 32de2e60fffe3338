using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Application.Http;

namespace Pipeline.Application.Health;

/// <summary>GET /health: whether the service can reach what it needs. 200 when all checks pass, 503 otherwise.</summary>
public static class HealthRoutes
{
    public static readonly ApiRoute Health = new("Health", "GET", "v1/health", Access.Anyone,
        "Reports whether each dependency answers.", CheckAsync, null, typeof(HealthReport));

    private static async Task<ApiResponse> CheckAsync(ApiRequest request)
    {
        var checks = new Dictionary<string, string>();
        foreach (var check in request.Http.RequestServices.GetServices<IHealthCheck>())
        {
            checks[check.Name] = await check.CheckAsync(request.Aborted) ? "ok" : "failing";
        }

        var healthy = checks.Values.All(v => v == "ok");
        var report = ApiResponse.Serialize(new HealthReport(healthy ? "ok" : "degraded", checks));
        return new ApiResponse(healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, report, ApiResponse.Json);
    }

    public sealed record HealthReport(string Status, IReadOnlyDictionary<string, string> Checks);
}

/// <summary>One dependency's check; every registered one runs on GET /health.</summary>
public interface IHealthCheck
{
    string Name { get; }

    Task<bool> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>Cosmos DB answers a read of the database.</summary>
public sealed class CosmosHealthCheck(Database database) : IHealthCheck
{
    public string Name => "cosmos";

    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await database.ReadAsync(cancellationToken: cancellationToken);
            return true;
        }
        catch (CosmosException)
        {
            return false;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
