using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Local.Tests.Edge;

/// <summary>A request body as raw bytes, its Content-Type, and what it is meant to break.</summary>
internal sealed record BodyVariant(string Why, byte[] Body, string? ContentType = "application/json");

/// <summary>
/// Malformed variants of a valid request body, derived from the route's JSON Schema in the OpenAPI document: each one
/// must be refused (a 4xx problem) and change nothing. None of them is a valid request, so an edge that let one through
/// would act on it, and the test would see the change.
/// </summary>
internal static class EdgeVariants
{
    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/jsonx", "application/json-seq", "application/json; charset=utf-16", "application/json; foo=bar",
        "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    ];

    /// <summary>Bodies that are not one JSON object of the schema, whatever the route.</summary>
    private static readonly string[] NotAnObject =
    [
        "{", "}", "[]", "null", "42", "\"text\"", "true", "{\"a\":}", "{\"a\" 1}", "{'a':1}", "{\"a\":1,}", "{/*c*/}", "{} {}",
        "{\"\":1}", "{\"__proto__\":{}}", "{\"$type\":\"System.Object\"}", "{\"a\":\"\\uD800\"}", "\u0000", "{\"a\":NaN}", "{\"a\":Infinity}",
        "[{}]", "{\"a\":[1,]}", "{\"a\":01}", "{\"a\":\"\\x\"}", "{\"a\":\"\t\"}", "{\"a\":-}",
    ];

    public static IReadOnlyList<BodyVariant> Of(JsonObject valid, JsonObject schema)
    {
        var variants = new List<BodyVariant>();
        var validText = valid.ToJsonString();
        variants.AddRange(ContentTypes.Select(type => new BodyVariant($"content type {type}", Encoding.UTF8.GetBytes(validText), type)));
        variants.Add(new BodyVariant("no content type", Encoding.UTF8.GetBytes(validText), null));
        variants.AddRange(NotAnObject.Select(text => new BodyVariant($"not an object: {text}", Encoding.UTF8.GetBytes(text))));
        variants.Add(Raw("trailing text", validText + " x"));
        variants.Add(Raw("an unknown field", WithRaw(valid, "unknownField", "1")));
        variants.Add(Raw("deep nesting", WithRaw(valid, "deep", new string('[', 2_000) + new string(']', 2_000))));
        variants.Add(Raw("thousands of unknown fields", "{" + string.Join(',', Enumerable.Range(0, 3_000).Select(i => $"\"f{i}\":{i}")) + "}"));
        variants.Add(Raw("over the size limit", WithRaw(valid, "padding", "\"" + new string('p', 70_000) + "\"")));
        variants.Add(new BodyVariant("not UTF-8", [.. Encoding.UTF8.GetBytes("{\"a\":\""), 0xFF, 0xFE, 0xC0, 0xAF, .. Encoding.UTF8.GetBytes("\"}")]));
        variants.Add(new BodyVariant("UTF-16", Encoding.Unicode.GetBytes(validText)));
        variants.AddRange(PropertyVariants(valid, schema, ""));
        return variants;
    }

    private static IEnumerable<BodyVariant> PropertyVariants(JsonObject valid, JsonObject schema, string path)
    {
        var properties = schema["properties"] as JsonObject ?? [];
        var required = (schema["required"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
        foreach (var (name, propertySchema) in properties)
        {
            var where = path + name;
            var value = valid[name]?.DeepClone();
            var types = TypesOf(propertySchema!.AsObject());
            foreach (var wrong in WrongValues(types, propertySchema.AsObject()))
            {
                yield return Raw($"{where} = {wrong}", WithRaw(valid, name, wrong));
            }

            if (!types.Contains("null"))
            {
                yield return Raw($"{where} = null", WithRaw(valid, name, "null"));
            }

            if (required.Contains(name))
            {
                var without = (JsonObject)valid.DeepClone();
                without.Remove(name);
                yield return Raw($"{where} missing", without.ToJsonString());
            }

            // The same field twice — with the same value, with another, in another case, written with an escape —
            // is refused whatever the values: a body two parsers can read differently is never acted on.
            var sample = value?.ToJsonString() ?? "1";
            var other = types.Contains("integer") ? "77" : types.Contains("string") ? "\"other\"" : sample;
            yield return Raw($"{where} twice", Duplicate(valid, name, name, sample, sample));
            yield return Raw($"{where} twice, another value", Duplicate(valid, name, name, sample, other));
            yield return Raw($"{where} twice, another case", Duplicate(valid, name, char.ToUpperInvariant(name[0]) + name[1..], sample, other));
            yield return Raw($"{where} twice, escaped", Duplicate(valid, name, $"\\u{(int)name[0]:x4}{name[1..]}", sample, other));

            if (valid[name] is JsonObject nested && propertySchema["properties"] is JsonObject)
            {
                foreach (var inner in PropertyVariants(nested, propertySchema.AsObject(), where + "."))
                {
                    yield return Raw(inner.Why, WithRaw(valid, name, Encoding.UTF8.GetString(inner.Body)));
                }
            }
        }
    }

    private static HashSet<string> TypesOf(JsonObject schema) => schema["type"] switch
    {
        JsonArray many => [.. many.Select(t => t!.GetValue<string>())],
        JsonValue one => [one.GetValue<string>()],
        // An optional enum lists null among its values: null is then allowed, as a type array with "null" says.
        _ => schema["enum"] is JsonArray values ? values.Any(v => v is null) ? ["enum", "null"] : ["enum"] : [],
    };

    /// <summary>Values of other types than the schema allows, and numbers at the edges of what parsers hold.</summary>
    private static IEnumerable<string> WrongValues(HashSet<string> types, JsonObject schema)
    {
        if (types.Contains("integer"))
        {
            return ["\"1\"", "1.5", "1.0", "true", "{}", "[]", "9007199254740993", "9223372036854775808", "-9223372036854775809", "1e309", "-1", "1e2"];
        }

        if (types.Contains("string"))
        {
            return ["1", "true", "{}", "[]", "\"" + new string('s', 5_000) + "\""];
        }

        if (types.Contains("boolean"))
        {
            return ["\"true\"", "1", "{}", "[]"];
        }

        if (types.Contains("object"))
        {
            return ["\"object\"", "1", "[]", "true"];
        }

        return types.Contains("enum") || schema["enum"] is not null ? ["\"no_such_value\"", "1", "\"\"", "[]"] : [];
    }

    private static BodyVariant Raw(string why, string text) => new(why, Encoding.UTF8.GetBytes(text));

    /// <summary>The valid body with <paramref name="name"/> set to <paramref name="rawValue"/> as written (added last if absent).</summary>
    private static string WithRaw(JsonObject valid, string name, string rawValue) =>
        "{" + string.Join(',', valid.Where(p => p.Key != name).Select(p => $"{JsonSerializer.Serialize(p.Key)}:{p.Value?.ToJsonString() ?? "null"}")
            .Append($"{JsonSerializer.Serialize(name)}:{rawValue}")) + "}";

    private static string Duplicate(JsonObject valid, string name, string secondName, string first, string second) =>
        "{" + string.Join(',', valid.Where(p => p.Key != name).Select(p => $"{JsonSerializer.Serialize(p.Key)}:{p.Value?.ToJsonString() ?? "null"}")
            .Prepend($"\"{name}\":{first}").Append($"\"{secondName}\":{second}")) + "}";
}
