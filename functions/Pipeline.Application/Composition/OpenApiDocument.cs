using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Pipeline.Application.Collection;
using Pipeline.Application.Devices;
using Pipeline.Application.Http;

namespace Pipeline.Application.Composition;

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

    /// <summary>The document as committed in docs/openapi.json: indented, one line per member, so a change reads as a diff.</summary>
    public static string Json() => Build().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = ApiJson.Options.Encoder });

    public static JsonObject Build()
    {
        var schemas = new Schemas();
        var paths = new JsonObject();
        foreach (var group in ApiRoutes.All.GroupBy(r => r.Path))
        {
            var item = new JsonObject();
            foreach (var route in group)
            {
                item[route.Method.ToLowerInvariant()] = Operation(route, schemas);
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
                ["schemas"] = schemas.ToJson(),
            },
        };
    }

    private static JsonObject Operation(ApiRoute route, Schemas schemas)
    {
        var success = route.SuccessStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var responses = new JsonObject
        {
            [success] = Body("Success", route.ResponseType, schemas),
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
                ["content"] = new JsonObject { [ApiResponse.Json] = new JsonObject { ["schema"] = schemas.Reference(route.RequestType) } },
            };
        }

        return operation;
    }

    private static JsonObject Body(string description, Type? type, Schemas schemas) => type is null
        ? new JsonObject { ["description"] = description }
        : new JsonObject
        {
            ["description"] = description,
            ["content"] = new JsonObject { [ApiResponse.Json] = new JsonObject { ["schema"] = schemas.Reference(type) } },
        };

    /// <summary>
    /// The request and response types as named schemas (components), so a generated client has a Payment, a Wallet,
    /// ... rather than one anonymous type per operation. Names are the types' own; two types of one name are a mistake.
    /// </summary>
    private sealed class Schemas
    {
        private readonly SortedDictionary<string, (Type Type, JsonNode Schema)> named = new(StringComparer.Ordinal);

        public JsonObject Reference(Type type)
        {
            if (named.TryGetValue(type.Name, out var existing) && existing.Type != type)
            {
                throw new InvalidOperationException($"Two API types are named {type.Name}: {existing.Type} and {type}.");
            }

            named[type.Name] = (type, existing.Schema ?? Schema(type));
            return new JsonObject { ["$ref"] = $"#/components/schemas/{type.Name}" };
        }

        public JsonObject ToJson()
        {
            var json = new JsonObject { ["Problem"] = ProblemSchema() };
            foreach (var (name, (_, schema)) in named)
            {
                json[name] = schema.DeepClone();
            }

            return json;
        }
    }

    /// <summary>
    /// The schema the serializer reads and writes. A type argument's nullability is not visible to the serializer
    /// (a Dictionary&lt;string, string&gt;'s values), and the API refuses null there, so such types are stated non-null.
    /// </summary>
    private static JsonNode Schema(Type type) => ApiJson.Options.GetJsonSchemaAsNode(type, Exporter);

    /// <summary>
    /// Timestamps are written by the API's own converter, which the exporter cannot see into (it would say "anything",
    /// a schema no client generator can use): they are stated as what the converter writes, an RFC 3339 string.
    /// Integers say their width, so a generated client holds amounts (minor units, up to 2^53) in 64 bits.
    /// </summary>
    private static readonly JsonSchemaExporterOptions Exporter = new()
    {
        TreatNullObliviousAsNonNullable = true,
        TransformSchemaNode = (context, schema) =>
        {
            var type = Nullable.GetUnderlyingType(context.TypeInfo.Type) ?? context.TypeInfo.Type;
            var nullable = type != context.TypeInfo.Type;
            if (type == typeof(DateTimeOffset))
            {
                return new JsonObject { ["type"] = nullable ? new JsonArray("string", "null") : "string", ["format"] = "date-time" };
            }

            if (type == typeof(System.Text.Json.JsonElement))
            {
                // An event's data: the resource as its own route shows it (its type says which). The exporter's "true"
                // (anything) breaks client generators; every data is an object.
                return new JsonObject { ["type"] = "object" };
            }

            if ((type == typeof(long) || type == typeof(int)) && schema is JsonObject integer)
            {
                integer["format"] = type == typeof(long) ? "int64" : "int32";
            }

            return schema;
        },
    };

    /// <summary>How each kind of caller authenticates: one scheme per kind, so a client knows which key a route needs.</summary>
    private static JsonObject SecuritySchemes() => new()
    {
        ["merchantKey"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["description"] = "A merchant's API key (POST /api/v1/merchants answers the first)." },
        ["adminKey"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["description"] = "The platform operator's admin key." },
        ["deviceId"] = DeviceHeader(DeviceAuthenticator.DeviceIdHeader, "The device's id."),
        ["deviceTimestamp"] = DeviceHeader(DeviceAuthenticator.TimestampHeader, "Unix seconds when the device signed."),
        ["deviceSignature"] = DeviceHeader(DeviceAuthenticator.SignatureHeader, "v1=<hex HMAC-SHA256(device secret, \"<timestamp>.<raw body>\")>."),
        ["bankSignature"] = DeviceHeader(BankAuthenticator.SignatureHeader, "t=<unix seconds>,v1=<hex HMAC-SHA256(bank secret, \"<t>.<raw body>\")>."),
    };

    private static JsonObject DeviceHeader(string name, string description) =>
        new() { ["type"] = "apiKey", ["in"] = "header", ["name"] = name, ["description"] = description };

    /// <summary>The route's real authentication: none, a merchant or admin bearer key, or a device signature (all three headers).</summary>
    private static JsonArray Security(Access access) => access switch
    {
        Access.Anyone => [],
        Access.Merchant => [new JsonObject { ["merchantKey"] = new JsonArray() }],
        Access.Admin => [new JsonObject { ["adminKey"] = new JsonArray() }],
        Access.MerchantOrAdmin => [new JsonObject { ["merchantKey"] = new JsonArray() }, new JsonObject { ["adminKey"] = new JsonArray() }],
        Access.Device => [new JsonObject { ["deviceId"] = new JsonArray(), ["deviceTimestamp"] = new JsonArray(), ["deviceSignature"] = new JsonArray() }],
        Access.Bank => [new JsonObject { ["bankSignature"] = new JsonArray() }],
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
