using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Pipeline.Application.Devices;

namespace Pipeline.Application.Http;

/// <summary>
/// GET /openapi.json: the OpenAPI 3.1 document built from <see cref="ApiRoutes.All"/> and the request and
/// response types themselves (JSON Schema from the same serializer options the API uses), so it cannot drift.
/// </summary>
public static class OpenApiDocument
{
    // The routes and types never change while the process runs, so the document is built once.
    private static readonly Lazy<byte[]> Document = new(() => ApiResponse.Serialize(Build()));

    public static readonly ApiRoute Route = new("OpenApi", "GET", "v1/openapi.json", Access.Anyone,
        "This document.", _ => Task.FromResult(new ApiResponse(StatusCodes.Status200OK, Document.Value, ApiResponse.Json)), null, null);


    private static readonly JsonObject ProblemExample = new()
    {
        ["type"] = "urn:pipeline:problem:validation_failed",
        ["title"] = "Validation failed",
        ["status"] = 422,
        ["detail"] = "Some fields are invalid.",
        ["code"] = "validation_failed",
        ["errors"] = new JsonObject { ["name"] = new JsonArray("Give a name of 1 to 200 characters.") },
    };

    /// <summary>The rules every route shares, with the numbers from where they are enforced.</summary>
    private static readonly string Conventions = string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"""
        Errors are RFC 9457 problems with a stable code. Idempotency-Key on any POST: the same key with the same request (method, path,
        query, and the JSON body as parsed: member order and whitespace do not matter) replays the stored response with
        Idempotent-Replayed: true; with a different request it is 422 idempotency_key_reused; while the first still runs, 409
        idempotency_key_in_progress (a request that died frees its key within {ApiLimits.IdempotencyLease.TotalSeconds} s). Every answer after
        the request could have had an effect is kept for {ApiLimits.IdempotencyRetention.TotalHours} h, refusals included; a refusal of the
        request as sent (415 unsupported_media_type, 400 malformed_json, 422 validation_failed) is not kept, so the corrected request may use
        the key. A 5xx is not kept either: the same request may retry. Secrets (apiKey, a device's secret) are shown only in the first
        response: a replay answers the same resource without them and with secretNotice, which says how to get a new one.
        """).ReplaceLineEndings(" ");

    public static JsonObject Build()
    {
        var paths = new JsonObject();
        foreach (var group in ApiRoutes.All.GroupBy(r => r.Path))
        {
            var item = new JsonObject();
            foreach (var route in group)
            {
                item[route.Method.ToLowerInvariant()] = Operation(route);
            }

            paths[group.Key] = item;
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject { ["title"] = "Pipeline API", ["version"] = "v1", ["description"] = Conventions },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = SecuritySchemes(),
                ["schemas"] = new JsonObject { ["Problem"] = ProblemSchema() },
            },
        };
    }

    private static JsonObject Operation(ApiRoute route)
    {
        var success = route.SuccessStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var responses = new JsonObject
        {
            [success] = Body("Success", route.ResponseType),
            ["default"] = new JsonObject
            {
                ["description"] = "A problem (RFC 9457) with a stable machine code.",
                ["content"] = new JsonObject
                {
                    [ApiResponse.ProblemJson] = new JsonObject
                    {
                        ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Problem" },
                        ["example"] = ProblemExample.DeepClone(),
                    },
                },
            },
        };
        var operation = new JsonObject
        {
            ["operationId"] = route.Name,
            ["summary"] = route.Summary,
            ["security"] = Security(route.Access),
            ["x-access"] = route.Access.ToString().ToLowerInvariant(),
            ["responses"] = responses,
        };
        var parameters = new JsonArray([.. PathParameters(route.Template), .. route.Query.Select(QueryParameterOf)]);
        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        if (route.RequestType is not null)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = route.RequiresBody,
                ["content"] = new JsonObject { [ApiResponse.Json] = new JsonObject { ["schema"] = Schema(route.RequestType) } },
            };
        }

        return operation;
    }

    private static JsonObject Body(string description, Type? type) => type is null
        ? new JsonObject { ["description"] = description }
        : new JsonObject
        {
            ["description"] = description,
            ["content"] = new JsonObject { [ApiResponse.Json] = new JsonObject { ["schema"] = Schema(type) } },
        };

    /// <summary>
    /// The schema the serializer reads and writes. A type argument's nullability is not visible to the serializer
    /// (a Dictionary&lt;string, string&gt;'s values), and the API refuses null there, so such types are stated non-null.
    /// </summary>
    private static JsonNode Schema(Type type) =>
        ApiJson.Options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });

    /// <summary>How each kind of caller authenticates: one scheme per kind, so a client knows which key a route needs.</summary>
    private static JsonObject SecuritySchemes() => new()
    {
        ["merchantKey"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["description"] = "A merchant's API key (POST /api/v1/merchants answers the first)." },
        ["adminKey"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["description"] = "The platform operator's admin key." },
        ["deviceId"] = DeviceHeader(DeviceAuthenticator.DeviceIdHeader, "The device's id."),
        ["deviceTimestamp"] = DeviceHeader(DeviceAuthenticator.TimestampHeader, "Unix seconds when the device signed."),
        ["deviceSignature"] = DeviceHeader(DeviceAuthenticator.SignatureHeader, "v1=<hex HMAC-SHA256(device secret, \"<timestamp>.<raw body>\")>."),
    };

    private static JsonObject DeviceHeader(string name, string description) =>
        new() { ["type"] = "apiKey", ["in"] = "header", ["name"] = name, ["description"] = description };

    /// <summary>The route's real authentication: none, a merchant or admin bearer key, or a device signature (all three headers).</summary>
    private static JsonArray Security(Access access) => access switch
    {
        Access.Anyone => [],
        Access.Merchant => [new JsonObject { ["merchantKey"] = new JsonArray() }],
        Access.Admin => [new JsonObject { ["adminKey"] = new JsonArray() }],
        Access.Device => [new JsonObject { ["deviceId"] = new JsonArray(), ["deviceTimestamp"] = new JsonArray(), ["deviceSignature"] = new JsonArray() }],
        _ => throw new ArgumentOutOfRangeException(nameof(access)),
    };

    private static IEnumerable<JsonNode> PathParameters(string template) =>
        template.Split('/').Where(s => s.StartsWith('{') && s.EndsWith('}')).Select(s => (JsonNode)new JsonObject
        {
            ["name"] = s[1..^1],
            ["in"] = "path",
            ["required"] = true,
            ["schema"] = new JsonObject { ["type"] = "string" },
        });

    private static JsonNode QueryParameterOf(QueryParameter parameter)
    {
        var schema = parameter.IsInteger
            ? new JsonObject { ["type"] = "integer", ["minimum"] = parameter.Minimum, ["maximum"] = parameter.Maximum }
            : new JsonObject { ["type"] = "string" };
        if (parameter.Values is { } values)
        {
            schema["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v)]);
        }

        return new JsonObject { ["name"] = parameter.Name, ["in"] = "query", ["required"] = false, ["description"] = parameter.Description, ["schema"] = schema };
    }

    private static JsonObject ProblemSchema() => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray("type", "title", "status", "code"),
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["type"] = "string" },
            ["title"] = new JsonObject { ["type"] = "string" },
            ["status"] = new JsonObject { ["type"] = "integer" },
            ["detail"] = new JsonObject { ["type"] = "string" },
            ["code"] = new JsonObject { ["type"] = "string", ["description"] = "Stable machine code, e.g. validation_failed." },
            ["errors"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } } },
        },
    };
}
